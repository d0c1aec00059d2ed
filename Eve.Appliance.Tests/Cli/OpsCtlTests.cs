using Eve.Appliance.Cli;
using Eve.Appliance.Tests.Controller.Ops;

namespace Eve.Appliance.Tests.Cli;

/// <summary>`ctl` as a client of the operator API, against the real controller.</summary>
[TestFixture]
public sealed class OpsCtlTests
{
    [Test]
    public async Task Ctl_CreatesObjects_Assigns_ShowsVersionsDiffAudit_AndRevert()
    {
        await using var bed = await OpsBed.StartAsync();
        var dir = bed.DataDir;
        var files = Path.Combine(dir, "files");
        Directory.CreateDirectory(files);
        await File.WriteAllBytesAsync(Path.Combine(files, "disk.qcow2"), [1, 2, 3, 4, 5]);
        await File.WriteAllTextAsync(Path.Combine(files, "net.json"), """{"name":"plant","kind":"local","subnet":"10.80.0.0/24","gateway":"10.80.0.1"}""");
        await File.WriteAllTextAsync(Path.Combine(files, "app.json"), """{"name":"hmi","memoryMb":256,"images":[{"imageId":"disk"}],"interfaces":[{"name":"eth0","networkId":"plant"}]}""");
        await File.WriteAllTextAsync(Path.Combine(files, "bad.json"), """{"name":"bad","memoryMb":256,"images":[{"imageId":"nope"}]}""");

        Assert.That((await Ctl(dir, "image", "upload", Path.Combine(files, "disk.qcow2"), "--name", "disk")).Out, Does.Contain("image 'disk'"));
        Assert.That((await Ctl(dir, "network", "create", Path.Combine(files, "net.json"))).Out, Does.StartWith("created network 'plant'"));
        Assert.That((await Ctl(dir, "app", "create", Path.Combine(files, "app.json"))).Out, Does.StartWith("created app 'hmi'"));
        var list = await Ctl(dir, "app", "list");
        Assert.That(list.Out, Does.Contain("hmi").And.Contain("MEMORYMB"));

        var bad = await Ctl(dir, "app", "create", Path.Combine(files, "bad.json"));
        Assert.That(bad.Exit, Is.EqualTo(ExitCode.Failure));
        Assert.That(bad.Err, Does.Contain("app 'bad' is invalid").And.Contain("  - images[0].imageId: unknown image 'nope'"));

        Assert.That((await Ctl(dir, "assign", bed.DeviceId, "--app", "hmi")).Exit, Is.EqualTo(ExitCode.Ok));
        Assert.That((await Ctl(dir, "app", "stop", "hmi")).Out, Does.Contain("stop published"));
        var versions = await Ctl(dir, "config", "versions", bed.DeviceId);
        Assert.That(versions.Out.Split('\n').Count(l => l.Contains("objects", StringComparison.Ordinal)), Is.EqualTo(2), versions.Out);
        var diff = await Ctl(dir, "config", "diff", bed.DeviceId);
        Assert.That(diff.Out, Does.Contain("version 2 → 3").And.Contain("- apps[hmi].activate = true"), "proto3 JSON leaves false out, so the field goes");
        var revert = await Ctl(dir, "config", "revert", bed.DeviceId, "2");
        Assert.That(revert.Out, Does.Contain("published again as version 4"));
        Assert.That((await bed.PollAsync()).Config.Apps.Single().Activate, Is.True);
        var audit = await Ctl(dir, "audit");
        Assert.That(audit.Out, Does.Contain("revert").And.Contain("assign").And.Contain("refused"));
    }

    private static async Task<(ExitCode Exit, string Out, string Err)> Ctl(string dataDir, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CommandDispatcher.RunAsync(["ctl", "--data-dir", dataDir, .. args], stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
