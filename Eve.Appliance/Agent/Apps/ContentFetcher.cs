using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Agent.Content;
using Microsoft.Extensions.Logging;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Agent.Apps;

/// <summary>Gets a content tree's blob into the shared, content-addressed <see cref="BlobStore"/>:
/// Http/Https datastores (the controller's built-in one is an Https datastore whose fqdn is the
/// controller, trusted through the device's bootstrap roots) through the <see cref="Downloader"/>,
/// which resumes, retries and verifies sha256; OCI registries through <see cref="OciRegistryClient"/>.</summary>
internal sealed class ContentFetcher(BlobStore store, DownloaderOptions options, X509Certificate2Collection controllerRoots, TimeProvider time, ILoggerFactory loggers) : IDisposable
{
    private readonly ConcurrentDictionary<string, (HttpClient Http, Downloader Downloader)> _clients = new();

    public BlobStore Store => store;

    public async Task<BlobRef> FetchAsync(ContentIntent content, IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        var (http, downloader) = ClientFor(content.CaPems);
        if (content.Kind == DsType.DsContainerRegistry)
        {
            var layers = await new OciRegistryClient(http).PullAsync(downloader, content.Source, content.OciRepository!, content.OciReference!,
                content.Credentials, progress, ct).ConfigureAwait(false);
            // A VM image in a registry (EVE's "disk in OCI" convention) is its single layer.
            var blob = layers.Count > 0 ? layers[^1] : throw new ContentException(ContentErrorKind.Protocol,
                $"content tree '{content.Name}': {content.OciRepository}:{content.OciReference} has no layers");
            if (content.Sha256 != "" && blob.Sha256 != content.Sha256)
                throw new ContentException(ContentErrorKind.HashMismatch,
                    $"content tree '{content.Name}': the registry image's disk layer is sha256 {blob.Sha256}, the config says {content.Sha256}");
            return blob;
        }
        var downloaded = await downloader.DownloadAsync(new DownloadRequest(content.Source, content.Sha256, content.SizeBytes, content.Credentials), progress, ct).ConfigureAwait(false);
        if (await ObjectCrypto.ImageSignatureVerifier.CheckAsync(content.Name, downloaded.Sha256, content.Signature, content.Source,
                (u, c) => http.GetByteArrayAsync(u, c), controllerRoots, ct).ConfigureAwait(false) is { } refused)
            throw new ContentException(ContentErrorKind.InvalidArgument, refused);
        return downloaded;
    }

    private (HttpClient, Downloader) ClientFor(IReadOnlyList<string> caPems) =>
        _clients.GetOrAdd(string.Join('\n', caPems), key =>
        {
            var roots = new X509Certificate2Collection(controllerRoots);
            foreach (var pem in caPems) roots.ImportFromPem(pem);
            var http = DatastoreHttpClient.Create(roots);
            return (http, new Downloader(store, http, options, time, loggers.CreateLogger<Downloader>()));
        });

    public void Dispose()
    {
        foreach (var (http, _) in _clients.Values) http.Dispose();
        _clients.Clear();
    }
}
