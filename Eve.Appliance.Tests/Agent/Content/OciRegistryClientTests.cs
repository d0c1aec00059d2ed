using System.Net;
using System.Security.Cryptography;
using System.Text;
using Eve.Appliance.Agent.Content;

namespace Eve.Appliance.Tests.Agent.Content;

/// <summary>An OCI registry as the distribution API serves it (index → manifest → blobs by digest,
/// Bearer token challenge), on the Kestrel test server.</summary>
[TestFixture]
public sealed class OciRegistryClientTests
{
    private string _dir = "";
    private BlobTestServer _server = null!;
    private HttpClient _http = null!;

    [SetUp]
    public async Task SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("eve-oci-").FullName;
        _server = await BlobTestServer.StartAsync();
        _http = DatastoreHttpClient.Create();
    }

    [TearDown]
    public async Task TearDown()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private static string Digest(byte[] b) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(b));

    private (byte[] Disk, string ManifestDigest) Publish(string repo, bool asIndex)
    {
        var disk = RandomNumberGenerator.GetBytes(1 << 20);
        var config = Encoding.UTF8.GetBytes("""{"architecture":"amd64","os":"linux"}""");
        _server.Objects[$"v2/{repo}/blobs/{Digest(disk)}"] = disk;
        _server.Objects[$"v2/{repo}/blobs/{Digest(config)}"] = config;
        var manifest = Encoding.UTF8.GetBytes($$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
             "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{Digest(config)}}","size":{{config.Length}}},
             "layers":[{"mediaType":"application/vnd.lfedge.disk.layer.v1+qcow2","digest":"{{Digest(disk)}}","size":{{disk.Length}}}]}
            """);
        _server.Objects[$"v2/{repo}/manifests/{Digest(manifest)}"] = manifest;
        if (asIndex)
        {
            _server.Objects[$"v2/{repo}/manifests/latest"] = Encoding.UTF8.GetBytes($$$"""
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
                 {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:{{{new string('0', 64)}}}","size":1,"platform":{"architecture":"arm64","os":"linux"}},
                 {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{Digest(manifest)}}}","size":{{{manifest.Length}}},"platform":{"architecture":"amd64","os":"linux"}}]}
                """);
        }
        else
        {
            _server.Objects[$"v2/{repo}/manifests/latest"] = manifest;
        }
        return (disk, Digest(manifest));
    }

    [Test]
    public async Task Pull_ThroughAnIndex_WithBearerToken_StoresTheVerifiedLayer()
    {
        var (disk, manifestDigest) = Publish("vm/app", asIndex: true);
        _server.RequiredAuthorization = "Bearer tok-123";
        _server.Challenge = $"Bearer realm=\"{_server.BaseUri}token\",service=\"test-registry\",scope=\"repository:vm/app:pull\"";
        _server.OpenPaths.Add("token");
        _server.Objects["token"] = """{"token":"tok-123"}"""u8.ToArray();

        var client = new OciRegistryClient(_http);
        var downloader = new Downloader(new BlobStore(_dir), _http);
        var layers = await client.PullAsync(downloader, _server.BaseUri, "vm/app", "latest", new NetworkCredential("dev", "pw"));

        Assert.That(layers, Has.Count.EqualTo(1));
        Assert.That(await File.ReadAllBytesAsync(layers[0].Path), Is.EqualTo(disk));
        var tokenRequest = _server.Requests.Single(r => r.Path == "token");
        Assert.That(tokenRequest.Query, Does.Contain("service=test-registry").And.Contain("scope=repository%3Avm%2Fapp%3Apull"));
        Assert.That(tokenRequest.Authorization, Does.StartWith("Basic "));
        Assert.That(_server.Requests.Any(r => r.Path == $"v2/vm/app/manifests/{manifestDigest}"), Is.True, "the amd64 entry was chosen");
    }

    [Test]
    public async Task Manifest_ByDigest_ThatDoesNotHashToIt_IsRefused()
    {
        var (_, manifestDigest) = Publish("vm/app", asIndex: false);
        var real = _server.Objects[$"v2/vm/app/manifests/{manifestDigest}"];
        var forged = new string('1', 64);
        _server.Objects[$"v2/vm/app/manifests/sha256:{forged}"] = real;
        var e = Assert.ThrowsAsync<ContentException>(() => new OciRegistryClient(_http).GetManifestAsync(_server.BaseUri, "vm/app", $"sha256:{forged}"))!;
        Assert.That(e.Kind, Is.EqualTo(ContentErrorKind.HashMismatch));
        var (manifest, _) = await new OciRegistryClient(_http).GetManifestAsync(_server.BaseUri, "vm/app", manifestDigest);
        Assert.That(manifest.Digest, Is.EqualTo(manifestDigest));
    }

    [Test]
    public void UnknownTag_IsNotFound()
    {
        var e = Assert.ThrowsAsync<ContentException>(() => new OciRegistryClient(_http).GetManifestAsync(_server.BaseUri, "vm/none", "v9"))!;
        Assert.That(e.Kind, Is.EqualTo(ContentErrorKind.NotFound));
        Assert.That(e.Message, Does.Contain("vm/none:v9"));
    }
}
