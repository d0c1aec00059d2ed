using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Eve.Appliance.Agent.Connectivity;
using Eve.Appliance.Cli;
using Eve.Appliance.Tests.Support;
using Google.Protobuf;
using Org.Lfedge.Eve.Common;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Tests.Agent.Connectivity;

/// <summary>The real agent with port management on: the controller sits in the upstream namespace
/// (reachable only through the device's ports), and onboarding, config polls and info all go out
/// through the DPC's ports. Then eth0 is cut mid-run, and then the controller sends a broken DPC.</summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class ConnectivityAgentTests
{
    [Test]
    public async Task AgentOnboardsThroughDpcPorts_SurvivesPortCut_FallsBackFromBadControllerDpc_ReportsItInInfoAndDiag()
    {
        await using var lab = await ConnectivityLab.StartAsync(dhcpOnEth1: true);
        var n = lab.N;
        // IPv6: a router advertisement (SLAAC only) on eth1's side.
        await lab.Net.ExecAsync(lab.Upstream, "ip", "addr", "add", $"fd00:{n}::1/64", "dev", "up1");
        lab.Net.Start(lab.Upstream, "dnsmasq", "-k", "-C", "/dev/null", "--port=0", "--interface=up1", "--bind-interfaces", "--enable-ra",
            "--dhcp-range=::,constructor:up1,ra-only", $"--pid-file={lab.Dir}/ra.pid", $"--dhcp-leasefile={lab.Dir}/ra.leases");

        await using var controller = await RunningController.StartAsync(Path.Combine(lab.Dir, "controller"), o => o with { ServerName = lab.ControllerName });
        await using var relay = NetnsRelay.Start(lab.Upstream, new IPEndPoint(IPAddress.Parse($"10.96.{n}.1"), 8443),
            new IPEndPoint(IPAddress.Loopback, controller.Uri.Port));
        var url = new Uri($"https://{lab.ControllerName}:8443");
        var configDir = Path.Combine(lab.Dir, "config");
        RunningAgent.Provision(controller.BootstrapDir, configDir);
        var subsystem = new ConnectivitySubsystem(new ConnectivityOptions
        {
            Netns = lab.Device,
            PersistDir = lab.PersistDir,
            BindControllerTraffic = true,
            Timers = new DpcTimers { TestDuration = TimeSpan.FromSeconds(20), TestInterval = TimeSpan.FromSeconds(3), TestBetterInterval = TimeSpan.FromHours(1), PortTimeout = TimeSpan.FromSeconds(2) },
        });
        try
        {
            await using var agent = await RunningAgent.StartAsync(configDir, lab.PersistDir, $"SN-conn-{n}",
                o => o with { ControllerUrl = url, ControllerHandler = subsystem.ConfigureControllerHandler }, [subsystem]);
            var id = await agent.Agent.Onboarded.WaitAsync(TimeSpan.FromSeconds(120));
            Assert.That(subsystem.Transport!.LastPort, Is.AnyOf("eth0", "eth1"), "onboarding went out through a DPC port");

            // The controller's DPC: both ports DHCP, equal cost; port timers from config items.
            using var admin = new AdminClient(controller.DataDir);
            var config = EdgeDevConfig.Parser.ParseJson((await admin.GetAsync($"admin/devices/{id}/config"))!["config"]!.ToJsonString());
            AddPort(config, "eth1");
            SetItem(config, "timer.port.testduration", "8");
            SetItem(config, "timer.port.timeout", "2");
            SetItem(config, "timer.port.testinterval", "3");
            await admin.PutTextAsync($"admin/devices/{id}/config", JsonFormatter.Default.Format(config));
            await Eventually.WaitAsync(() => subsystem.Timers.TestDuration == TimeSpan.FromSeconds(8), "timer.port.testduration taken from the config");
            await Eventually.WaitAsync(() => subsystem.Latest is { } sa && sa.Status[(int)sa.CurrentIndex] is { Key: "zedagent" } s && s.Ports.Count == 2 && s.LastSucceeded != null,
                "the controller's two-port DPC in use");
            var v6 = await Eventually.WaitAsync(async () =>
                (await new Eve.Appliance.Agent.Connectivity.PortConnectivityCheck(lab.Net.Runner, lab.Device, ConnectivitySubsystem.RunDir(lab.PersistDir), null, null, null, TimeSpan.FromSeconds(2), TimeProvider.System)
                    .AddressesAsync("eth1", default)).FirstOrDefault(a => a.StartsWith($"fd00:{n}:", StringComparison.Ordinal)), "SLAAC address on eth1");

            // Cut eth0 mid-run: polls keep succeeding, through eth1.
            var cut = DateTimeOffset.UtcNow;
            var sw = Stopwatch.StartNew();
            await lab.CutAsync("up0");
            await Eventually.WaitAsync(() => agent.Agent.Poller!.LastSuccess > cut.AddMilliseconds(500), "a config poll after eth0 was cut");
            var failover = sw.Elapsed;
            var after = DateTimeOffset.UtcNow;
            await Eventually.WaitAsync(() => agent.Agent.Poller!.LastSuccess > after.AddSeconds(2), "polls go on through eth1");
            // eth0 is cut, so these polls went through eth1 (on a new or an already open connection:
            // which port the transport dialled last is not the point).
            TestContext.Out.WriteLine($"eth0 cut → next successful controller poll after {failover.TotalSeconds:0.00} s");
            await lab.RestoreAsync("up0");

            // A broken DPC from the controller: static eth0 behind a gateway that does not exist.
            config = EdgeDevConfig.Parser.ParseJson((await admin.GetAsync($"admin/devices/{id}/config"))!["config"]!.ToJsonString());
            config.SystemAdapterList.Clear();
            config.Networks.Add(new NetworkConfig
            {
                Id = "7d6b2a0e-9c1f-4a57-b6a4-0c2e5d1f3a99", Type = NetworkType.V4,
                Ip = new ipspec { Dhcp = DHCPType.Static, Subnet = $"10.98.{n}.0/24", Gateway = $"10.98.{n}.99", Dns = { $"10.98.{n}.1" } },
            });
            config.SystemAdapterList.Add(new SystemAdapter { Name = "eth0", Uplink = true, NetworkUUID = "7d6b2a0e-9c1f-4a57-b6a4-0c2e5d1f3a99", Addr = $"10.98.{n}.50" });
            var pushed = DateTimeOffset.UtcNow;
            sw.Restart();
            await admin.PutTextAsync($"admin/devices/{id}/config", JsonFormatter.Default.Format(config));
            await Eventually.WaitAsync(() => subsystem.Latest is { } sa && sa.Status.Any(s => s.Key == "zedagent" && s.LastFailed != null && s.LastFailed.ToDateTimeOffset() > pushed),
                "the broken DPC failing its test", 90);
            var failedAt = sw.Elapsed;
            await Eventually.WaitAsync(() => agent.Agent.Poller!.LastSuccess > pushed && subsystem.Latest is { } sa && sa.Status[(int)sa.CurrentIndex].Key == "lastresort",
                "controller reached again on the last resort", 90);
            TestContext.Out.WriteLine($"broken DPC pushed → failed after {failedAt.TotalSeconds:0.00} s (testduration 8 s) → controller reached again after {sw.Elapsed.TotalSeconds:0.00} s");

            // The failure as EVE reports it: ZInfoDevice.systemAdapter, the failed DPC with its error.
            var reported = await Eventually.WaitAsync(async () =>
            {
                var infos = await admin.GetAsync($"admin/devices/{id}/info") as JsonArray;
                var dinfo = infos?.FirstOrDefault(i => i!["kind"]!.GetValue<string>() == "ZiDevice")?["message"]?["dinfo"];
                var failed = dinfo?["systemAdapter"]?["status"]?.AsArray().FirstOrDefault(s => s!["key"]?.GetValue<string>() == "zedagent" && s["lastError"] != null);
                return failed?["lastError"]?.GetValue<string>();
            }, "the DPC error in device info at the controller");
            Assert.That(reported, Does.Contain("eth0").And.Contain("unreachable"));

            // diag, the real command: the fallback and why, each port in words, IPv6 address, verdict.
            var (exit, stdout, stderr) = await ApplianceProcess.RunAsync("diag", "--persist-dir", lab.PersistDir, "--config-dir", configDir,
                "--mgmt-netns", lab.Device, "--controller", url.ToString(), "--timeout", "3");
            TestContext.Out.WriteLine(stdout + stderr);
            Assert.That(exit, Is.EqualTo(0), stderr);
            Assert.That(stdout, Does.Contain("DPC in use: lastresort (last resort: DHCP on every ethernet port)"));
            Assert.That(stdout, Does.Contain("fell back to lastresort because zedagent failed:"));
            Assert.That(stdout, Does.Match(@"eth0: OK — DHCP lease 10\.98\.\d+\.\d+/24; DNS ok; controller answers /ping \(\d+\); /certs verified"));
            Assert.That(stdout, Does.Contain("eth1: OK").And.Contain(v6));
            Assert.That(stdout, Does.Contain($"static 10.98.{n}.50/24 via 10.98.{n}.99"));
            Assert.That(stdout, Does.Contain("verdict: OK — the controller is reachable through eth0, eth1"));
        }
        finally
        {
            await new NetnsDpcApplier(new Eve.Appliance.Platform.Net.IpLinkClient(lab.Net.Runner), lab.Net.Runner, lab.Device,
                ConnectivitySubsystem.RunDir(lab.PersistDir)).StopAsync(default);
        }
        Assert.That(Directory.GetFiles(ConnectivitySubsystem.RunDir(lab.PersistDir), "*.pid", SearchOption.AllDirectories), Is.Empty, "every dhcpcd stopped by its pid");
    }

    private static void AddPort(EdgeDevConfig config, string ifName)
    {
        config.DeviceIoList.Add(new PhysicalIO
        {
            Ptype = PhyIoType.PhyIoNetEth, Phylabel = ifName, Logicallabel = ifName, Usage = PhyIoMemberUsage.PhyIoUsageMgmtAndApps,
            Phyaddrs = { ["ifname"] = ifName },
        });
        config.SystemAdapterList.Add(new SystemAdapter { Name = ifName, Uplink = true, NetworkUUID = config.SystemAdapterList[0].NetworkUUID });
    }

    private static void SetItem(EdgeDevConfig config, string key, string value)
    {
        if (config.ConfigItems.FirstOrDefault(i => i.Key == key) is { } old) config.ConfigItems.Remove(old);
        config.ConfigItems.Add(new ConfigItem { Key = key, Value = value });
    }
}
