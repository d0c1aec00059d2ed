namespace Eve.Appliance.Platform.Qemu;

/// <summary>A QMP failure. Callers decide by <see cref="Kind"/>, never by parsing the message.</summary>
internal sealed class QmpException(QmpErrorKind kind, string message, string? errorClass = null, Exception? inner = null)
    : Exception(message, inner)
{
    public QmpErrorKind Kind { get; } = kind;

    /// <summary>QEMU's error class (e.g. "GenericError", "CommandNotFound") for CommandFailed.</summary>
    public string? ErrorClass { get; } = errorClass;
}
