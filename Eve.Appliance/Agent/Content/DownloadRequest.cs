using System.Net;
using System.Net.Http.Headers;

namespace Eve.Appliance.Agent.Content;

/// <summary>One blob to fetch: where from (http, https or file), its expected sha256, and
/// optionally its size and the datastore's basic credentials, or a ready Authorization header
/// (an OCI registry's bearer token), which wins over the credentials.</summary>
internal sealed record DownloadRequest(Uri Source, string Sha256, long? Size = null, NetworkCredential? Credentials = null)
{
    public AuthenticationHeaderValue? Authorization { get; init; }

    /// <summary>The source without user info, for logs and messages.</summary>
    public string Display => Source.IsFile ? Source.LocalPath : Source.GetLeftPart(UriPartial.Path);
}
