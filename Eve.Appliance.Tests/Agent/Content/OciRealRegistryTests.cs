using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Eve.Appliance.Agent.Apps;
using Eve.Appliance.Agent.Content;
using Eve.Appliance.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Tests.Agent.Content;

/// <summary>The OCI pull path of the apps subsystem (<see cref="ContentFetcher"/> →
/// <see cref="OciRegistryClient"/> → <see cref="Downloader"/>) against a real registry: Debian's
/// `docker-registry` (distribution 2.8) on 127.0.0.1 with its storage in a temp folder. The test
/// pushes a VM disk layer, a config blob and an OCI manifest over the registry's HTTP API, then
/// pulls by tag and by manifest digest.</summary>
[TestFixture]
public sealed class OciRealRegistryTests
{
    private const string RegistryBinary = "/usr/bin/docker-registry";
    private TempDir _dir = null!;
    private Process? _registry;
    private Uri _uri = null!;
    private HttpClient _http = null!;

    [SetUp]
    public async Task StartRegistry()
    {
        Assert.That(File.Exists(RegistryBinary), Is.True, $"{RegistryBinary} is missing: install the Debian package docker-registry (scripts/setup)");
        _dir = new TempDir("oci-registry");
        var port = ApplianceProcess.FreePort();
        var config = _dir.Sub("config.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: {_dir.Sub("storage")}
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:{port}
            """);
        var psi = new ProcessStartInfo(RegistryBinary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("serve");
        psi.ArgumentList.Add(config);
        _registry = Process.Start(psi)!;
        _registry.OutputDataReceived += (_, _) => { };
        _registry.ErrorDataReceived += (_, _) => { };
        _registry.BeginOutputReadLine();
        _registry.BeginErrorReadLine();
        _uri = new Uri($"http://127.0.0.1:{port}");
        _http = DatastoreHttpClient.Create();
        await Eventually.WaitAsync(async () =>
        {
            try { return (await _http.GetAsync(new Uri(_uri, "/v2/"))).StatusCode == HttpStatusCode.OK; }
            catch (HttpRequestException) { return false; }
        }, "the registry to answer /v2/");
    }

    [TearDown]
    public void StopRegistry()
    {
        _http?.Dispose();
        if (_registry is { HasExited: false })
        {
            Posix.Kill(_registry.Id, 9); // by the pid we started
            _registry.WaitForExit(10_000);
        }
        _registry?.Dispose();
        _dir?.Dispose();
    }

    [Test]
    public async Task PushedDiskImage_IsPulledByTagAndByDigest_IntoTheVerifiedStore()
    {
        var disk = RandomNumberGenerator.GetBytes(3 << 20);
        var config = Encoding.UTF8.GetBytes("""{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}""");
        await PushBlobAsync("vm/guest-disk", disk);
        await PushBlobAsync("vm/guest-disk", config);
        var manifest = Encoding.UTF8.GetBytes($$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
             "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{Digest(config)}}","size":{{config.Length}}},
             "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{{Digest(disk)}}","size":{{disk.Length}}}]}
            """);
        var manifestDigest = await PushManifestAsync("vm/guest-disk", "1.0", manifest);
        Assert.That(manifestDigest, Is.EqualTo(Digest(manifest)), "the registry names the manifest by its sha256");

        var store = new BlobStore(_dir.Sub("store"));
        using var fetcher = new ContentFetcher(store, new DownloaderOptions(), [], TimeProvider.System, NullLoggerFactory.Instance);
        var diskSha = Digest(disk)["sha256:".Length..];
        var progress = new List<DownloadProgress>();
        var byTag = await fetcher.FetchAsync(Intent("1.0", diskSha), new SyncProgress(progress), CancellationToken.None);
        Assert.That(byTag.Sha256, Is.EqualTo(diskSha));
        Assert.That((await File.ReadAllBytesAsync(byTag.Path)).AsSpan().SequenceEqual(disk), Is.True, "the stored blob is the pushed disk");
        Assert.That(progress.Last(p => p.Sha256 == diskSha).BytesDone, Is.EqualTo(disk.Length));

        store.Delete(diskSha);
        var byDigest = await fetcher.FetchAsync(Intent(manifestDigest, diskSha), null, CancellationToken.None);
        Assert.That(byDigest.Sha256, Is.EqualTo(diskSha));

        var wrong = Assert.ThrowsAsync<ContentException>(() => fetcher.FetchAsync(Intent("no-such-tag", ""), null, CancellationToken.None));
        Assert.That(wrong!.Message, Does.Contain("no-such-tag"));
        TestContext.Out.WriteLine($"docker-registry: pulled {disk.Length} bytes by tag and by {manifestDigest}; missing tag: {wrong.Message}");
    }

    private ContentIntent Intent(string reference, string sha) =>
        new(Guid.NewGuid(), "guest-disk", DsType.DsContainerRegistry, _uri, sha, Format.Raw, null, "vm/guest-disk", reference);

    private static string Digest(byte[] b) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(b));

    /// <summary>The distribution API's monolithic upload: POST for a session, PUT the bytes with the digest.</summary>
    private async Task PushBlobAsync(string repo, byte[] blob)
    {
        using var start = await _http.PostAsync(new Uri(_uri, $"/v2/{repo}/blobs/uploads/"), null);
        Assert.That(start.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await start.Content.ReadAsStringAsync());
        var location = new Uri(_uri, start.Headers.Location!);
        var put = new UriBuilder(location) { Query = (location.Query.TrimStart('?') is { Length: > 0 } q ? q + "&" : "") + "digest=" + Uri.EscapeDataString(Digest(blob)) };
        using var body = new ByteArrayContent(blob);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var done = await _http.PutAsync(put.Uri, body);
        Assert.That(done.StatusCode, Is.EqualTo(HttpStatusCode.Created), await done.Content.ReadAsStringAsync());
    }

    private async Task<string> PushManifestAsync(string repo, string tag, byte[] manifest)
    {
        using var body = new ByteArrayContent(manifest);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.oci.image.manifest.v1+json");
        using var r = await _http.PutAsync(new Uri(_uri, $"/v2/{repo}/manifests/{tag}"), body);
        Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.Created), await r.Content.ReadAsStringAsync());
        return r.Headers.GetValues("Docker-Content-Digest").Single();
    }

    /// <summary>Progress reported on the caller's thread (Progress&lt;T&gt; posts to the pool).</summary>
    private sealed class SyncProgress(List<DownloadProgress> seen) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) { lock (seen) seen.Add(value); }
    }
}
