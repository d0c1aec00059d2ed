namespace Eve.Appliance.Platform.Qemu;

/// <summary>A VM could not be started or adopted; the message says which VM, what failed and why.</summary>
internal sealed class QemuStartException(string message, Exception? inner = null) : Exception(message, inner);
