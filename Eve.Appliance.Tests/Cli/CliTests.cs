using Eve.Appliance.Tests.Api;
using Eve.Appliance.Tests.Support;

namespace Eve.Appliance.Tests.Cli;

/// <summary>The executable's commands as an operator runs them.</summary>
[TestFixture]
public sealed class CliTests
{
    [Test]
    public async Task ProtoDecode_ThenEncode_ReproducesTheVectorBytes()
    {
        using var dir = new TempDir("cli");
        var bin = Path.Combine(VectorFiles.Dir, "edgedevconfig_a.bin");
        var (exit, json, err) = await ApplianceProcess.RunAsync("proto", "decode", "--type", "org.lfedge.eve.config.EdgeDevConfig", bin, "--json");
        Assert.That(exit, Is.EqualTo(0), err);
        File.WriteAllText(dir.Sub("c.json"), json);
        var (exit2, _, err2) = await ApplianceProcess.RunAsync("proto", "encode", "--type", "org.lfedge.eve.config.EdgeDevConfig", dir.Sub("c.json"), "--out", dir.Sub("c.bin"));
        Assert.That(exit2, Is.EqualTo(0), err2);
        Assert.That(File.ReadAllBytes(dir.Sub("c.bin")), Is.EqualTo(File.ReadAllBytes(bin)));
    }

    [Test]
    public async Task ProtoDecode_OfGarbage_SaysWhatIsWrong_WithNonZeroExit()
    {
        using var dir = new TempDir("cli");
        File.WriteAllBytes(dir.Sub("bad.bin"), [0x0a, 0xff, 0x01]);
        var (exit, _, err) = await ApplianceProcess.RunAsync("proto", "decode", "--type", "org.lfedge.eve.config.EdgeDevConfig", dir.Sub("bad.bin"));
        Assert.That(exit, Is.Not.EqualTo(0));
        Assert.That(err, Does.Contain("is not a valid org.lfedge.eve.config.EdgeDevConfig"));
        var (exit2, _, err2) = await ApplianceProcess.RunAsync("proto", "decode", "--type", "EdgeDevConfig", dir.Sub("bad.bin"));
        Assert.That(exit2, Is.Not.EqualTo(0));
        Assert.That(err2, Does.Contain("org.lfedge.eve.config.EdgeDevConfig"), "suggests the full name");
    }

    [Test]
    public async Task UnknownCommandOrOption_IsAUsageError()
    {
        var (exit, _, err) = await ApplianceProcess.RunAsync("controler");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(err, Does.Contain("unknown command 'controler'"));
        var (exit2, _, err2) = await ApplianceProcess.RunAsync("pki", "init", "--data-dir", "/tmp/x", "--server-name", "a", "--colour", "red");
        Assert.That(exit2, Is.EqualTo(2));
        Assert.That(err2, Does.Contain("--colour"));
    }

    [Test]
    public async Task PkiInit_WritesEveConfigLayout_AndRefusesToOverwrite()
    {
        using var dir = new TempDir("pki");
        var (exit, _, err) = await ApplianceProcess.RunAsync("pki", "init", "--data-dir", dir.Path, "--server-name", "ctl.example");
        Assert.That(exit, Is.EqualTo(0), err);
        foreach (var f in new[] { "server", "root-certificate.pem", "v2tlsbaseroot-certificates.pem", "onboard.cert.pem", "onboard.key.pem" })
            Assert.That(File.Exists(Path.Combine(dir.Path, "bootstrap", f)), Is.True, f);
        Assert.That(File.ReadAllText(Path.Combine(dir.Path, "bootstrap", "server")).Trim(), Is.EqualTo("ctl.example:8443"));
        Assert.That(File.GetUnixFileMode(Path.Combine(dir.Path, "pki", "signing.key.pem")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        var (again, _, err2) = await ApplianceProcess.RunAsync("pki", "init", "--data-dir", dir.Path, "--server-name", "ctl.example");
        Assert.That(again, Is.Not.EqualTo(0));
        Assert.That(err2, Does.Contain("refusing to replace"));
    }

    [Test]
    public async Task Ctl_WithoutARunningController_SaysHowToStartOne()
    {
        using var dir = new TempDir("ctl");
        var (exit, _, err) = await ApplianceProcess.RunAsync("ctl", "--data-dir", dir.Path, "devices");
        Assert.That(exit, Is.Not.EqualTo(0));
        Assert.That(err, Does.Contain("no controller is running"));
    }

    [Test]
    public async Task Ctl_OnboardDevicesConfig_AgainstARunningController()
    {
        using var dir = new TempDir("ctl");
        await using var controller = await RunningController.StartAsync(dir.Sub("data"));
        using var device = new TestDevice(controller.Uri, controller.BootstrapDir, "SN-ctl-1");
        await device.OnboardAsync();
        var data = controller.DataDir;

        var (e1, list, err1) = await ApplianceProcess.RunAsync("ctl", "--data-dir", data, "devices");
        Assert.That(e1, Is.EqualTo(0), err1);
        Assert.That(list, Does.Contain(device.Id).And.Contain("SN-ctl-1"));

        var (e2, cfg, err2) = await ApplianceProcess.RunAsync("ctl", "--data-dir", data, "config", "get", device.Id!);
        Assert.That(e2, Is.EqualTo(0), err2);
        File.WriteAllText(dir.Sub("cfg.json"), cfg.Replace("\"timer.config.interval\"", "\"timer.metric.interval\""));
        var (e3, setOut, err3) = await ApplianceProcess.RunAsync("ctl", "--data-dir", data, "config", "set", "SN-ctl-1", dir.Sub("cfg.json"));
        Assert.That(e3, Is.EqualTo(0), err3);
        Assert.That(setOut, Does.Contain("config version 2"));

        File.WriteAllText(dir.Sub("bad.json"), "{\"apps\":[{\"uuidandversion\":{\"uuid\":\"not-a-uuid\"}}]}");
        var (e4, _, err4) = await ApplianceProcess.RunAsync("ctl", "--data-dir", data, "config", "set", device.Id!, dir.Sub("bad.json"));
        Assert.That(e4, Is.Not.EqualTo(0));
        Assert.That(err4, Does.Contain("apps[0] id = not-a-uuid: must be a UUID"));

        var (e5, _, err5) = await ApplianceProcess.RunAsync("ctl", "--data-dir", data, "device", "show", "no-such-device");
        Assert.That(e5, Is.EqualTo(4));
        Assert.That(err5, Does.Contain("no device 'no-such-device'"));

        var (e6, onboard, err6) = await ApplianceProcess.RunAsync("ctl", "--data-dir", data, "onboard", "list", "--json");
        Assert.That(e6, Is.EqualTo(0), err6);
        Assert.That(onboard, Does.Contain("\"*\""));
    }
}
