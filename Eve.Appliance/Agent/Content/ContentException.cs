namespace Eve.Appliance.Agent.Content;

/// <summary>A download or store failure. <see cref="IsTransient"/> tells the caller whether trying
/// again later can help; the message says what failed, on which object, and what to do.</summary>
internal sealed class ContentException(ContentErrorKind kind, string message, bool isTransient = false, Exception? inner = null)
    : Exception(message, inner)
{
    public ContentErrorKind Kind { get; } = kind;
    public bool IsTransient { get; } = isTransient;
}
