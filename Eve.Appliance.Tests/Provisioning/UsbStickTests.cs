using System.Security.Cryptography;
using Eve.Appliance.Platform.Processes;
using Eve.Appliance.Provisioning;
using Eve.Appliance.Tests.Support;

namespace Eve.Appliance.Tests.Provisioning;

/// <summary>`provision usb` writes a stick (folder or FAT image made with mkfs.vfat + mtools), and the
/// device ingests it once: verified against its manifest first, then copied, then its hash recorded.</summary>
[TestFixture]
public sealed class UsbStickTests
{
    private static ProvisionBundle Bundle(TempDir dir, string server = "10.0.2.2:4443")
    {
        Directory.CreateDirectory(dir.Sub("src"));
        File.WriteAllText(dir.Sub("src", "root.pem"), "-----BEGIN CERTIFICATE-----\nroot\n-----END CERTIFICATE-----\n");
        File.WriteAllText(dir.Sub("src", "onboard.pem"), "-----BEGIN CERTIFICATE-----\nonboard\n-----END CERTIFICATE-----\n");
        File.WriteAllText(dir.Sub("src", "onboard.key"), "-----BEGIN PRIVATE KEY-----\nkey\n-----END PRIVATE KEY-----\n");
        File.WriteAllText(dir.Sub("src", "usb.json"), """{"Version":1,"Key":"usb","Ports":[]}""");
        File.WriteAllBytes(dir.Sub("src", "rootfs-2.img"), RandomNumberGenerator.GetBytes(300_000));
        var b = new ProvisionBundle();
        b.AddConfigText("server", server + "\n");
        b.AddConfig("root-certificate.pem", dir.Sub("src", "root.pem"));
        b.AddConfig("onboard.cert.pem", dir.Sub("src", "onboard.pem"));
        b.AddConfig("onboard.key.pem", dir.Sub("src", "onboard.key"));
        b.AddConfig("DevicePortConfig/usb.json", dir.Sub("src", "usb.json"));
        b.AddImage(dir.Sub("src", "rootfs-2.img"));
        return b;
    }

    [Test]
    public async Task FolderStick_IngestedOnce_ConfigCopied_HashRecorded()
    {
        using var dir = new TempDir("provision");
        var written = await new UsbStickWriter(ProcessRunner.Default).WriteAsync(Bundle(dir), dir.Sub("stick"));
        var ingester = new UsbStickIngester(ProcessRunner.Default, TimeProvider.System);

        var first = await ingester.IngestAsync(dir.Sub("stick"), dir.Sub("data"));
        File.WriteAllText(Path.Combine(UsbStickIngester.ConfigDir(dir.Sub("data")), "server"), "changed-by-device:1\n");
        var second = await ingester.IngestAsync(dir.Sub("stick"), dir.Sub("data"));

        Assert.That(first.AlreadyIngested, Is.False);
        Assert.That(first.ManifestSha256, Is.EqualTo(written.ManifestSha256));
        Assert.That(first.ConfigFiles, Is.EquivalentTo(new[] { "server", "root-certificate.pem", "onboard.cert.pem", "onboard.key.pem", "DevicePortConfig/usb.json" }));
        var cfg = UsbStickIngester.ConfigDir(dir.Sub("data"));
        Assert.That(File.ReadAllText(Path.Combine(cfg, "DevicePortConfig", "usb.json")), Does.Contain("\"Key\":\"usb\""));
        Assert.That(File.GetUnixFileMode(Path.Combine(cfg, "onboard.key.pem")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(dir.Sub("src", "rootfs-2.img"))));
        Assert.That(first.Images.Select(i => (i.Name, i.Sha256)), Is.EqualTo(new[] { ("rootfs-2.img", sha) }));
        Assert.That(File.ReadAllBytes(new Eve.Appliance.Controller.Images.ImageStore(dir.Sub("data")).PathOf(sha)!), Is.EqualTo(File.ReadAllBytes(dir.Sub("src", "rootfs-2.img"))));
        Assert.That(Directory.GetDirectories(dir.Sub("data", "provision")), Is.Empty, "the staging folder is gone");
        Assert.That(second.AlreadyIngested, Is.True, "the same stick is taken in once");
        Assert.That(File.ReadAllText(Path.Combine(cfg, "server")), Is.EqualTo("changed-by-device:1\n"), "a second insertion changes nothing");
        Assert.That(UsbStickIngester.Ingested(dir.Sub("data")), Is.EquivalentTo(new[] { written.ManifestSha256 }));
    }

    [Test]
    public async Task ImageStick_IsFat_IngestedThroughMtools()
    {
        using var dir = new TempDir("provision");
        var written = await new UsbStickWriter(ProcessRunner.Default).WriteAsync(Bundle(dir), dir.Sub("stick.img"));

        var listing = await ProcessRunner.Default.RunAsync("env", ["MTOOLS_SKIP_CHECK=1", "mdir", "-b", "-/", "-i", dir.Sub("stick.img"), "::/"]);
        var r = await new UsbStickIngester(ProcessRunner.Default, TimeProvider.System).IngestAsync(dir.Sub("stick.img"), dir.Sub("data"));

        Assert.That(written.IsImage, Is.True);
        Assert.That(listing.Stdout, Does.Contain("eve-provision.json").And.Contain("config/DevicePortConfig/usb.json").And.Contain("images/rootfs-2.img"));
        Assert.That(r.ManifestSha256, Is.EqualTo(written.ManifestSha256));
        Assert.That(File.ReadAllText(Path.Combine(UsbStickIngester.ConfigDir(dir.Sub("data")), "server")), Is.EqualTo("10.0.2.2:4443\n"));
        Assert.That(r.Images, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task ImageStick_SameContents_SameBytes()
    {
        using var dir = new TempDir("provision");
        var bundle = Bundle(dir);
        await new UsbStickWriter(ProcessRunner.Default).WriteAsync(bundle, dir.Sub("a.img"));
        await Task.Delay(1100); // a different wall-clock second must not show in the image
        await new UsbStickWriter(ProcessRunner.Default).WriteAsync(bundle, dir.Sub("b.img"));

        Assert.That(SHA256.HashData(File.ReadAllBytes(dir.Sub("a.img"))), Is.EqualTo(SHA256.HashData(File.ReadAllBytes(dir.Sub("b.img")))));
    }

    [Test]
    public async Task AlteredFile_WholeStickRefused_NothingWritten()
    {
        using var dir = new TempDir("provision");
        await new UsbStickWriter(ProcessRunner.Default).WriteAsync(Bundle(dir), dir.Sub("stick"));
        File.AppendAllText(dir.Sub("stick", "config", "root-certificate.pem"), "evil\n");

        var e = Assert.ThrowsAsync<InvalidDataException>(() => new UsbStickIngester(ProcessRunner.Default, TimeProvider.System).IngestAsync(dir.Sub("stick"), dir.Sub("data")));

        Assert.That(e!.Message, Does.Contain("config/root-certificate.pem").And.Contain("nothing was ingested"));
        Assert.That(Directory.Exists(UsbStickIngester.ConfigDir(dir.Sub("data"))), Is.False);
        Assert.That(UsbStickIngester.Ingested(dir.Sub("data")), Is.Empty);
    }

    [Test]
    public void StickWithoutServer_Refused()
    {
        var b = new ProvisionBundle();
        var e = Assert.ThrowsAsync<ArgumentException>(() => new UsbStickWriter(ProcessRunner.Default).WriteAsync(b, "/nonexistent/x"));
        Assert.That(e!.Message, Does.Contain("config/server"));
    }

    [TestCase("config/../../etc/passwd")]
    [TestCase("/config/server")]
    [TestCase("other/file")]
    [TestCase("config//x")]
    public void ManifestPath_OutsideConfigOrImages_Rejected(string path)
    {
        var json = System.Text.Encoding.UTF8.GetBytes($$$"""{"format":1,"files":{"{{{path}}}":"00"}}""");
        Assert.Throws<InvalidDataException>(() => ProvisionManifest.Parse(json, "stick"));
    }
}
