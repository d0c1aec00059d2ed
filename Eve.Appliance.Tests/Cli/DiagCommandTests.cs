using Eve.Appliance.Agent.Connectivity;
using Eve.Appliance.Cli;
using Eve.Appliance.Tests.Support;

namespace Eve.Appliance.Tests.Cli;

/// <summary>`eve-appliance diag` without live probes: what the agent recorded, in words, with a verdict
/// and an exit code scripts can use. (Live probing through a namespace is in ConnectivityAgentTests.)</summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class DiagCommandTests
{
    private static async Task<(ExitCode Exit, string Stdout, string Stderr)> RunAsync(params string[] argv)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CommandDispatcher.RunAsync(argv, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Test]
    public async Task NothingRecorded_SaysSo_AndFails()
    {
        using var dir = new TempDir("eve-diag");
        var (exit, stdout, _) = await RunAsync("diag", "--data-dir", dir.Path);
        Assert.That(exit, Is.EqualTo(ExitCode.Failure));
        Assert.That(stdout, Does.Contain("controller: embedded").And.Contain("DPC in use: none works")
            .And.Contain("nothing recorded yet (is the agent running with --mgmt-netns?)").And.Contain("verdict: UNKNOWN"));
    }

    [Test]
    public async Task RecordedFallback_IsExplained_PortByPort()
    {
        using var dir = new TempDir("eve-diag");
        var persist = dir.Sub("device", "persist");
        var failed = new DevicePortConfig("zedagent", DateTimeOffset.Parse("2026-11-28T10:00:00Z"),
            [new DpcPort("eth0", "uplink", true, 0, Dhcp: false, AddrSubnet: "10.1.2.50/24", Gateway: "10.1.2.99",
                Proxy: new DpcProxy([new DpcProxyServer("http", "10.1.2.1", 3128)], "lab.test", null, null))])
        { LastFailed = DateTimeOffset.Parse("2026-11-28T10:00:10Z"), LastError = "eth0: static 10.1.2.50/24; controller unreachable" };
        var lastResort = DpcSources.LastResort(["eth0", "eth1"]) with { LastSucceeded = DateTimeOffset.Parse("2026-11-28T10:00:12Z") };
        new DpcListStore(persist).Save(new DpcListFile([failed, lastResort], 1, new Dictionary<string, string> { ["override.json"] = new string('a', 64) }));
        var state = DpcManagerState.Initial([failed, lastResort], 1) with { Phase = DpcPhase.Stable };
        new ConnectivityStatus("lastresort", ConnectivityStatus.Explain(state), "zedagent: eth0 unreachable", "eth1",
        [
            new PortState("eth0", true, ["10.1.2.7/24"], ["10.1.2.1"], ["10.1.2.1"], "lab.test", null, true, "DHCP lease 10.1.2.7/24; controller answers /ping (200)", DateTimeOffset.UtcNow),
            new PortState("eth1", false, [], [], [], null, null, false, "no carrier (cable unplugged or the other end is down)", DateTimeOffset.UtcNow),
        ], DateTimeOffset.UtcNow).Save(persist);

        var (exit, stdout, _) = await RunAsync("diag", "--data-dir", dir.Path);
        Assert.That(exit, Is.EqualTo(ExitCode.Ok), stdout);
        Assert.That(stdout, Does.Contain("DPC in use: lastresort (last resort: DHCP on every ethernet port), index 1 of 2"));
        Assert.That(stdout, Does.Contain("why: fell back to lastresort because zedagent failed: eth0: static 10.1.2.50/24; controller unreachable"));
        Assert.That(stdout, Does.Contain("eth0 (uplink): management, cost 0, static 10.1.2.50/24 via 10.1.2.99, proxy: http 10.1.2.1:3128 except lab.test"));
        Assert.That(stdout, Does.Contain(" * [1] lastresort"));
        Assert.That(stdout, Does.Contain("ingested files: override.json sha256 aaaaaaaaaaaa…"));
        Assert.That(stdout, Does.Contain("eth1: FAIL — no carrier (cable unplugged or the other end is down)"));
        Assert.That(stdout, Does.Contain("link up; addresses 10.1.2.7/24; routers 10.1.2.1; DNS 10.1.2.1 (domain lab.test); proxy direct"));
        Assert.That(stdout, Does.Contain("verdict: OK — the controller is reachable through eth0"));
    }

    [Test]
    public async Task UsbImageWithoutManagementNamespace_IsAUsageError()
    {
        using var dir = new TempDir("eve-diag");
        var (exit, _, stderr) = await RunAsync("agent", "--config-dir", dir.Sub("c"), "--persist-dir", dir.Sub("p"), "--usb-image", dir.Sub("stick.img"));
        Assert.That(exit, Is.EqualTo(ExitCode.Usage));
        Assert.That(stderr, Does.Contain("--usb-image needs --mgmt-netns"));
    }
}
