using System.Net;
using System.Security.Cryptography;
using Eve.Appliance.Platform.Processes;
using Eve.Appliance.Provisioning;
using Eve.Appliance.Tests.Controller.Ops;
using Eve.Appliance.Tests.Support;

namespace Eve.Appliance.Tests.Provisioning;

/// <summary>An air-gapped site: the images an app needs come on the provisioning stick. Ingesting
/// the stick into the appliance's data folder registers them in the embedded controller's built-in
/// datastore (the same DATA `run` gives its controller), so the operator can make an image object
/// without any datastore, an app can use it, and the device API serves the bytes — no network
/// beyond the appliance's own loopback.</summary>
[TestFixture]
public sealed class AirGappedImageTests
{
    [Test]
    public async Task StickImage_Ingested_AppUsesItFromTheBuiltInDatastore()
    {
        using var dir = new TempDir("airgap");
        var data = dir.Sub("data");
        await using var controller = await RunningController.StartAsync(data);
        using var ops = OpsHttp.Socket(data);

        Directory.CreateDirectory(dir.Sub("src"));
        var disk = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
        await File.WriteAllBytesAsync(dir.Sub("src", "web-disk.qcow2"), disk);
        var sha = Convert.ToHexStringLower(SHA256.HashData(disk));
        var bundle = new ProvisionBundle();
        bundle.AddControllerBootstrap(controller.BootstrapDir);
        bundle.AddImage(dir.Sub("src", "web-disk.qcow2"));
        await new UsbStickWriter(ProcessRunner.Default).WriteAsync(bundle, dir.Sub("stick.img"));
        var image = new { name = "web-disk", sha256 = sha, format = "qcow2" };

        var (before, why) = await ops.PostAsync("api/ops/v1/images", image);
        var ingested = await new UsbStickIngester(ProcessRunner.Default, TimeProvider.System).IngestAsync(dir.Sub("stick.img"), data);
        var created = await ops.OkAsync(HttpMethod.Post, "api/ops/v1/images", image);
        await ops.OkAsync(HttpMethod.Post, "api/ops/v1/networks", new { name = "web-net", kind = "local", subnet = "10.51.0.0/24", gateway = "10.51.0.1" });
        await ops.OkAsync(HttpMethod.Post, "api/ops/v1/apps", new
        {
            name = "web",
            memoryMb = 256,
            cpus = 1,
            images = new[] { new { imageId = "web-disk", target = "disk" } },
            interfaces = new[] { new { name = "eth0", networkId = "web-net" } },
        });
        using var http = new HttpClient(new HttpClientHandler
        {
            // The bytes are checked by their hash below; the device API's TLS is tested elsewhere.
            ServerCertificateCustomValidationCallback = (_, _, _, _) => true,
        });
        var served = await http.GetByteArrayAsync(new Uri(controller.Uri, $"/api/v2/ext/images/{sha}"));

        Assert.That(before, Is.EqualTo(HttpStatusCode.BadRequest).Or.EqualTo(HttpStatusCode.UnprocessableEntity), "before the stick the image is unknown");
        Assert.That(why?.ToJsonString(), Does.Contain("unknown image"));
        Assert.That(ingested.Images.Select(i => (i.Name, i.Sha256, i.Size)), Is.EqualTo(new[] { ("web-disk.qcow2", sha, (long)disk.Length) }));
        Assert.That(created["sizeBytes"]!.GetValue<long>(), Is.EqualTo(disk.Length), "the controller sized it from its own store");
        Assert.That(SHA256.HashData(served), Is.EqualTo(SHA256.HashData(disk)), "the device API serves the stick's bytes");
        Assert.That(File.ReadAllText(UsbStickIngester.ImageNamesPath(data)), Does.Contain("web-disk.qcow2").And.Contain(sha));
    }
}
