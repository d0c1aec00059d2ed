namespace Eve.Appliance.Agent.DebugAccess;

/// <summary>The debug sshd could not be started: what failed and why, for the item's info.</summary>
internal sealed class SshdException(string message) : Exception(message);
