namespace Eve.Appliance.Api.Envelope;

/// <summary>Why an AuthContainer was refused. <see cref="Kind"/> decides the HTTP status on the
/// controller side and the retry policy on the device side.</summary>
internal sealed class EnvelopeException(EnvelopeError kind, string message) : Exception(message)
{
    public EnvelopeError Kind { get; } = kind;
}

internal enum EnvelopeError
{
    /// <summary>Not a parseable AuthContainer, or no payload (HTTP 400).</summary>
    Malformed,
    /// <summary>Signer unknown or signature does not verify (HTTP 401).</summary>
    Unauthenticated,
}
