using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Agent.Content;
using Eve.Appliance.Controller;
using Eve.Appliance.Controller.Images;
using Eve.Appliance.Tests.Support;

namespace Eve.Appliance.Tests.Controller.Images;

/// <summary>The controller's built-in datastore: `ctl image add` through the real CLI, images
/// served over the device API's TLS with Range, fetched by the device's downloader.</summary>
[TestFixture]
public sealed class ImageDatastoreTests
{
    private TempDir _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDir("evimg");

    [TearDown]
    public void TearDown() => _dir.Dispose();

    [Test]
    public async Task Store_IsContentAddressed_AndRefusesPathsThatAreNotAHash()
    {
        var store = new ImageStore(_dir.Sub("data"));
        var bytes = RandomNumberGenerator.GetBytes(100_000);
        File.WriteAllBytes(_dir.Sub("a.img"), bytes);
        File.WriteAllBytes(_dir.Sub("b.img"), bytes);
        var a = await store.AddAsync(_dir.Sub("a.img"));
        var b = await store.AddAsync(_dir.Sub("b.img"));
        Assert.That(a.Sha256, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(bytes))));
        Assert.That((b.Sha256, b.Size), Is.EqualTo((a.Sha256, 100_000L)));
        Assert.That(store.List(), Has.Count.EqualTo(1), "same content stored once");
        Assert.That(store.PathOf("../../etc/passwd"), Is.Null);
        Assert.That(store.PathOf(new string('0', 64)), Is.Null);
        Assert.That(File.ReadAllBytes(store.PathOf(a.Sha256.ToUpperInvariant())!), Is.EqualTo(bytes));
    }

    [Test]
    public async Task CtlImageAdd_PrintsHashAndUrl_AndTheDeviceDownloaderFetchesItOverTls_WithRange()
    {
        await using var controller = await RunningController.StartAsync(_dir.Sub("data"));
        var bytes = RandomNumberGenerator.GetBytes(3 << 20);
        File.WriteAllBytes(_dir.Sub("guest.img"), bytes);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));

        var (exit, output, err) = await ApplianceProcess.RunAsync("ctl", "--data-dir", controller.DataDir, "image", "add", _dir.Sub("guest.img"));
        Assert.That(exit, Is.EqualTo(0), err);
        var url = $"https://{controller.Server.ServerAddressForDevices()}/{ImageStore.UrlPath}/{sha}";
        Assert.That(output, Does.Contain(sha).And.Contain(url));

        // The device trusts the controller through its bootstrap roots, as the apps subsystem does.
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(Path.Combine(controller.BootstrapDir, "root-certificate.pem"));
        using var http = DatastoreHttpClient.Create(roots);
        using (var request = new HttpRequestMessage(HttpMethod.Get, url))
        {
            request.Headers.Range = new RangeHeaderValue(1000, 1999);
            using var partial = await http.SendAsync(request);
            Assert.That(partial.StatusCode, Is.EqualTo(HttpStatusCode.PartialContent));
            Assert.That(await partial.Content.ReadAsByteArrayAsync(), Is.EqualTo(bytes[1000..2000]));
        }
        using (var missing = await http.GetAsync(url.Replace(sha, new string('f', 64))))
            Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));

        var downloader = new Downloader(new BlobStore(_dir.Sub("device")), http);
        var blob = await downloader.DownloadAsync(new DownloadRequest(new Uri(url), sha, bytes.Length));
        Assert.That(File.ReadAllBytes(blob.Path), Is.EqualTo(bytes));

        var (listExit, list, listErr) = await ApplianceProcess.RunAsync("ctl", "--data-dir", controller.DataDir, "image", "list");
        Assert.That(listExit, Is.EqualTo(0), listErr);
        Assert.That(list, Does.Contain(sha));
    }

    [Test]
    public async Task CtlImageAdd_OfAMissingFile_SaysWhichFile()
    {
        await using var controller = await RunningController.StartAsync(_dir.Sub("data"));
        var (exit, _, err) = await ApplianceProcess.RunAsync("ctl", "--data-dir", controller.DataDir, "image", "add", _dir.Sub("nope.img"));
        Assert.That(exit, Is.Not.EqualTo(0));
        Assert.That(err, Does.Contain("nope.img").And.Contain("does not exist"));
    }
}
