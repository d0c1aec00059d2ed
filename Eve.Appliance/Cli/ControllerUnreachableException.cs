namespace Eve.Appliance.Cli;

/// <summary>The controller could not be reached over TLS (refused, untrusted, no answer); the message says which.</summary>
internal sealed class ControllerUnreachableException(string message, Exception inner) : IOException(message, inner);
