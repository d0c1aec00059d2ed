using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Eve.Appliance.Agent.Content;

/// <summary>Pulls an image from an OCI registry with the distribution HTTP API: the manifest by tag
/// or digest (an index is resolved to linux/amd64), then every blob by digest through the
/// <see cref="Downloader"/>, so registry blobs land in the same verified, resumable store.
/// Handles the registry's Bearer token challenge (Docker Hub, Harbor, …) and Basic auth.</summary>
internal sealed class OciRegistryClient(HttpClient http)
{
    private static readonly string[] ManifestTypes =
    [
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
    ];
    // Manifests are small JSON documents; anything bigger is not one.
    private const int MaxManifestBytes = 4 << 20;

    public async Task<(OciManifest Manifest, AuthenticationHeaderValue? Authorization)> GetManifestAsync(
        Uri registry, string repository, string reference, NetworkCredential? credentials = null, CancellationToken ct = default)
    {
        var authorization = credentials is null ? null : Basic(credentials);
        var (bytes, auth) = await GetManifestBytesAsync(registry, repository, reference, authorization, credentials, ct).ConfigureAwait(false);
        var manifest = Parse(bytes, repository, reference);
        if (manifest is null)
        {
            var chosen = PickAmd64(bytes, repository, reference);
            (bytes, auth) = await GetManifestBytesAsync(registry, repository, chosen, auth, credentials, ct).ConfigureAwait(false);
            manifest = Parse(bytes, repository, chosen) ?? throw new ContentException(ContentErrorKind.Protocol,
                $"{repository}@{chosen}: the index points at another index; nested indexes are not supported");
        }
        return (manifest, auth);
    }

    public static Uri BlobUri(Uri registry, string repository, string digest) => new(registry, $"/v2/{repository}/blobs/{digest}");

    /// <summary>Fetches the manifest, then config and layers into the store; returns the layers' blobs.</summary>
    public async Task<IReadOnlyList<BlobRef>> PullAsync(Downloader downloader, Uri registry, string repository, string reference,
        NetworkCredential? credentials = null, IProgress<DownloadProgress>? progress = null, CancellationToken ct = default)
    {
        var (manifest, auth) = await GetManifestAsync(registry, repository, reference, credentials, ct).ConfigureAwait(false);
        await Fetch(manifest.Config).ConfigureAwait(false);
        var layers = new List<BlobRef>();
        foreach (var layer in manifest.Layers) layers.Add(await Fetch(layer).ConfigureAwait(false));
        return layers;

        Task<BlobRef> Fetch(OciDescriptor d) => downloader.DownloadAsync(
            new DownloadRequest(BlobUri(registry, repository, d.Digest), d.Digest, d.Size) { Authorization = auth }, progress, ct);
    }

    private async Task<(byte[] Bytes, AuthenticationHeaderValue? Auth)> GetManifestBytesAsync(Uri registry, string repository,
        string reference, AuthenticationHeaderValue? auth, NetworkCredential? credentials, CancellationToken ct)
    {
        var uri = new Uri(registry, $"/v2/{repository}/manifests/{reference}");
        for (var round = 0; ; round++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            foreach (var t in ManifestTypes) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(t));
            request.Headers.Authorization = auth;
            using var response = await Send(request, ct).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Unauthorized && round == 0
                && response.Headers.WwwAuthenticate.FirstOrDefault(h => h.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase)) is { } challenge)
            {
                auth = await TokenAsync(challenge, repository, credentials, ct).ConfigureAwait(false);
                continue;
            }
            Check(response, $"{repository}:{reference} manifest");
            var bytes = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            if (bytes.Length > MaxManifestBytes)
                throw new ContentException(ContentErrorKind.Protocol, $"{repository}:{reference}: manifest of {bytes.Length} bytes is too big to be one");
            if (reference.StartsWith("sha256:", StringComparison.Ordinal)
                && "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)) != reference)
                throw new ContentException(ContentErrorKind.HashMismatch, $"{repository}@{reference}: the registry returned a manifest with another digest");
            return (bytes, auth);
        }
    }

    /// <summary>The token dance of the distribution spec: GET realm?service=…&amp;scope=repository:NAME:pull.</summary>
    private async Task<AuthenticationHeaderValue> TokenAsync(AuthenticationHeaderValue challenge, string repository,
        NetworkCredential? credentials, CancellationToken ct)
    {
        var p = ParseChallenge(challenge.Parameter ?? "");
        if (!p.TryGetValue("realm", out var realm))
            throw new ContentException(ContentErrorKind.Protocol, $"registry's Bearer challenge for {repository} has no realm");
        var query = new StringBuilder("?scope=").Append(Uri.EscapeDataString(p.GetValueOrDefault("scope") ?? $"repository:{repository}:pull"));
        if (p.TryGetValue("service", out var service)) query.Append("&service=").Append(Uri.EscapeDataString(service));
        using var request = new HttpRequestMessage(HttpMethod.Get, realm + query);
        if (credentials is not null) request.Headers.Authorization = Basic(credentials);
        using var response = await Send(request, ct).ConfigureAwait(false);
        Check(response, $"token for {repository} from {realm}");
        using var doc = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false));
        var root = doc.RootElement;
        var token = (root.TryGetProperty("token", out var t) ? t : root.TryGetProperty("access_token", out var a) ? a : default).GetString();
        if (string.IsNullOrEmpty(token))
            throw new ContentException(ContentErrorKind.Protocol, $"token endpoint {realm} answered without a token");
        return new AuthenticationHeaderValue("Bearer", token);
    }

    private static Dictionary<string, string> ParseChallenge(string parameter)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (i < parameter.Length)
        {
            var eq = parameter.IndexOf('=', i);
            if (eq < 0) break;
            var key = parameter[i..eq].Trim(' ', ',');
            string value;
            if (eq + 1 < parameter.Length && parameter[eq + 1] == '"')
            {
                var end = parameter.IndexOf('"', eq + 2);
                if (end < 0) end = parameter.Length;
                value = parameter[(eq + 2)..end];
                i = end + 1;
            }
            else
            {
                var end = parameter.IndexOf(',', eq + 1);
                if (end < 0) end = parameter.Length;
                value = parameter[(eq + 1)..end];
                i = end;
            }
            result[key] = value;
        }
        return result;
    }

    private static OciManifest? Parse(byte[] bytes, string repository, string reference)
    {
        using var doc = JsonDocument.Parse(bytes);
        var root = doc.RootElement;
        if (root.TryGetProperty("manifests", out _)) return null;
        if (!root.TryGetProperty("config", out var config) || !root.TryGetProperty("layers", out var layers))
            throw new ContentException(ContentErrorKind.Protocol, $"{repository}:{reference}: the manifest has no config or layers");
        var mediaType = root.TryGetProperty("mediaType", out var m) ? m.GetString() ?? "" : ManifestTypes[0];
        return new OciManifest("sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)), mediaType,
            Descriptor(config), layers.EnumerateArray().Select(Descriptor).ToList());
    }

    private static string PickAmd64(byte[] index, string repository, string reference)
    {
        using var doc = JsonDocument.Parse(index);
        foreach (var m in doc.RootElement.GetProperty("manifests").EnumerateArray())
        {
            if (!m.TryGetProperty("platform", out var p)) continue;
            if (p.TryGetProperty("architecture", out var arch) && arch.GetString() == "amd64"
                && p.TryGetProperty("os", out var os) && os.GetString() == "linux")
                return m.GetProperty("digest").GetString()!;
        }
        throw new ContentException(ContentErrorKind.NotFound, $"{repository}:{reference} has no linux/amd64 image in its index");
    }

    private static OciDescriptor Descriptor(JsonElement e) => new(
        e.TryGetProperty("mediaType", out var m) ? m.GetString() ?? "" : "",
        e.GetProperty("digest").GetString() ?? "",
        e.TryGetProperty("size", out var s) ? s.GetInt64() : 0);

    private async Task<HttpResponseMessage> Send(HttpRequestMessage request, CancellationToken ct)
    {
        try
        {
            return await http.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new ContentException(ContentErrorKind.Unavailable, $"cannot reach registry {request.RequestUri?.GetLeftPart(UriPartial.Authority)}: {e.Message}", true, e);
        }
    }

    private static void Check(HttpResponseMessage response, string what)
    {
        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode) return;
        throw status switch
        {
            404 => new ContentException(ContentErrorKind.NotFound, $"{what}: not in the registry (404); check repository and tag"),
            401 or 403 => new ContentException(ContentErrorKind.Unauthorized, $"{what}: the registry refused access ({status}); check its credentials"),
            429 or >= 500 => new ContentException(ContentErrorKind.Unavailable, $"{what}: registry answered {status}", true),
            _ => new ContentException(ContentErrorKind.Protocol, $"{what}: registry answered {status} {response.ReasonPhrase}"),
        };
    }

    private static AuthenticationHeaderValue Basic(NetworkCredential c) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{c.UserName}:{c.Password}")));
}
