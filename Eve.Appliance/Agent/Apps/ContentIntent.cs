using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Agent.Apps;

/// <summary>A content tree to fetch: where from (http/https URL, or an OCI registry reference),
/// its expected sha256 (lowercase hex, or empty for an OCI tag resolved at pull time), its format,
/// and the datastore's extra trusted CA certificates (dsCertPEM).</summary>
internal sealed record ContentIntent(
    Guid Id,
    string Name,
    DsType Kind,
    Uri Source,
    string Sha256,
    Format Format,
    long? SizeBytes,
    string? OciRepository = null,
    string? OciReference = null)
{
    public IReadOnlyList<string> CaPems { get; init; } = [];

    /// <summary>The datastore's apiKey/password as basic credentials (null when it has none),
    /// decrypted from cipherData when the controller encrypted them.</summary>
    public System.Net.NetworkCredential? Credentials { get; init; }

    /// <summary>The content tree's signature info; checked against the controller's root after download.</summary>
    public SignatureInfo? Signature { get; init; }

    /// <summary>The config's generation_count, reported back in the content tree's info.</summary>
    public long Generation { get; init; }
}
