using System.Net;
using Eve.Appliance.Cli;
using Eve.Appliance.Tests.Controller.Ops;
using Eve.Appliance.Tests.Support;

namespace Eve.Appliance.Tests.Controller.Backup;

/// <summary>Backup of a running controller and restore on a fresh data folder ("replacement
/// hardware"): the same device, with the same cert, polls the restored controller and gets its
/// config; operators and tokens come along.</summary>
[TestFixture]
public sealed class BackupRestoreTests
{
    [Test]
    public async Task RestoredController_ServesTheSameDevices_WithoutReOnboarding()
    {
        using var backup = new TempDir("backup");
        using var fresh = new TempDir("restored");
        var outDir = Path.Combine(backup.Path, "usb");
        var restoredDir = Path.Combine(fresh.Path, "data");
        await using var bed = await OpsBed.StartAsync();
        var token = bed.Controller.Server.Ops!.FirstStart!.Token;
        await bed.AppAsync("kept");
        await bed.Local.OkAsync(HttpMethod.Put, $"api/ops/v1/devices/{bed.DeviceId}/assignment", new { apps = new[] { "kept" } });
        var (config, hash) = await bed.PollAsync();

        var (exit, output) = await Run("backup", "--data-dir", bed.DataDir, "--out", outDir);
        Assert.That(exit, Is.EqualTo(ExitCode.Ok), output);
        Assert.That(output, Does.Contain("running controller"));
        var port = bed.Controller.Uri.Port;
        await bed.Controller.DisposeAsync(); // the old box dies

        var (rexit, routput) = await Run("restore", "--from", outDir, "--data-dir", restoredDir);
        Assert.That(rexit, Is.EqualTo(ExitCode.Ok), routput);
        var (again, refusal) = await Run("restore", "--from", outDir, "--data-dir", restoredDir);
        Assert.That(again, Is.Not.EqualTo(ExitCode.Ok), "never over an existing controller");
        Assert.That(refusal, Does.Contain("fresh data folder"));

        await using var restored = await RunningController.StartAsync(restoredDir, o => o with { Listen = $"127.0.0.1:{port}" });
        Assert.That(restored.Server.Ops!.FirstStart, Is.Null, "operators came with the store");
        // Same device object: same key, cert and trust root. Its pooled connection went with the old
        // controller, so the first poll may fail on the dead socket, as a real device's would.
        var (config2, hash2) = (await Eventually.WaitAsync(async () => (object?)await bed.PollAsync(), "the device polls the restored controller", 60)) is ValueTuple<Org.Lfedge.Eve.Config.EdgeDevConfig, string> polled ? polled : default;
        Assert.That(hash2, Is.EqualTo(hash));
        Assert.That(config2.Apps.Single().Displayname, Is.EqualTo("kept"));
        Assert.That(config2.ContentInfo.Single().Sha256, Is.EqualTo(config.ContentInfo.Single().Sha256));
        Assert.That(File.Exists(Path.Combine(restoredDir, "images", "sha256", config2.ContentInfo.Single().Sha256)), Is.True, "the image came too");
        using var ops = OpsHttp.Socket(restoredDir, token);
        var (status, who) = await ops.GetAsync("api/ops/v1/whoami");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(who!["name"]!.GetValue<string>(), Is.EqualTo("admin"));
    }

    [Test]
    public async Task DamagedBackup_IsRefusedBeforeAnythingIsWritten()
    {
        using var backup = new TempDir("backup");
        using var fresh = new TempDir("restored");
        var outDir = Path.Combine(backup.Path, "usb");
        await using (var bed = await OpsBed.StartAsync())
        {
            var (exit, output) = await Run("backup", "--data-dir", bed.DataDir, "--out", outDir);
            Assert.That(exit, Is.EqualTo(ExitCode.Ok), output);
        }
        var key = Directory.GetFiles(Path.Combine(outDir, "pki"), "signing.key.pem").Single();
        await File.AppendAllTextAsync(key, "x");
        var target = Path.Combine(fresh.Path, "data");
        var (rexit, routput) = await Run("restore", "--from", outDir, "--data-dir", target);
        Assert.That(rexit, Is.Not.EqualTo(ExitCode.Ok));
        Assert.That(routput, Does.Contain("pki/signing.key.pem does not match"));
        Assert.That(Directory.Exists(target), Is.False);
    }

    private static async Task<(ExitCode, string)> Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CommandDispatcher.RunAsync(args, stdout, stderr);
        return (exit, stdout + stderr.ToString());
    }
}
