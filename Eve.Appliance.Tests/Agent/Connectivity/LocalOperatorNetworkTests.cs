using System.Net;
using System.Net.Http;
using Eve.Appliance.Agent.Connectivity;
using Eve.Appliance.Controller.LocalProfile;
using Eve.Appliance.Controller.Ops;
using Eve.Appliance.Store;
using Microsoft.Extensions.Logging.Abstractions;
using Org.Lfedge.Eve.Profile;

namespace Eve.Appliance.Tests.Agent.Connectivity;

/// <summary>The local operator's network config end to end: the operator sets it on our controller's local
/// profile server (the state behind PUT /api/ops/v1/local-profile), the LPS answers the device's POST
/// /api/v1/network from the upstream namespace, and the device applies it as EVE's "lps" DPC on top of the
/// controller's — tested, persisted, fallen back from when broken, and reverted when the LPS says 404.</summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class LocalOperatorNetworkTests
{
    [Test]
    public async Task LocalNetworkConfig_AppliedAboveController_FallsBackWhenBroken_RevertedOn404_OnlyWhereAllowed()
    {
        await using var lab = await ConnectivityLab.StartAsync();
        var n = lab.N;
        using var store = new ControllerStore(Path.Combine(lab.Dir, "controller"));
        var service = new LocalProfileService(store, TimeProvider.System);
        var audit = new AuditLog(store, TimeProvider.System);
        var who = new OperatorIdentity("plant-operator", "admin", "test");
        await using var lpsServer = new LocalProfileServer(service, "127.0.0.1:0", NullLoggerFactory.Instance);
        await lpsServer.StartAsync(default);
        await using var relay = NetnsRelay.Start(lab.Upstream, new IPEndPoint(IPAddress.Parse($"10.96.{n}.1"), 8888),
            new IPEndPoint(IPAddress.Loopback, lpsServer.Uri!.Port));

        var (driver, applier) = lab.NewDriver(TimeSpan.FromSeconds(8));
        var runDir = Path.Combine(lab.Dir, "run");
        using var cts = new CancellationTokenSource();
        var run = driver.RunAsync(cts.Token);
        try
        {
            var fromController = new DevicePortConfig(DevicePortConfig.ControllerKey, DateTimeOffset.UtcNow,
                [new DpcPort("eth0", "uplink", true, 0, Dhcp: true, AllowLocalModifications: true), new DpcPort("eth1", "backup", true, 1, Dhcp: true)]);
            driver.Post(new DpcEvent.Received(fromController));
            await ConnectivityLab.WaitForAsync(driver, s => s.Current is { Key: "zedagent", WasWorking: true }, "the controller's DPC working", 120);

            // The device reaches the LPS through its ports, as the agent does.
            var transport = new ControllerTransport(lab.Device, runDir, TimeProvider.System) { PortTimeout = TimeSpan.FromSeconds(3) };
            transport.Use(fromController, new Dictionary<string, PortProxy>());
            var handler = new SocketsHttpHandler();
            transport.ConfigureDirect(handler);
            using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(20) };
            var client = new LpsNetworkClient(driver, http, () => new Dictionary<string, PortState>(), TimeProvider.System, NullLogger.Instance);
            var token = service.State().Token;
            client.Update($"10.96.{n}.1", token, fromController);

            // Nothing set locally: 404, nothing changes; the device's report reached the LPS.
            await client.RoundAsync(default);
            Assert.That(driver.State.List.Any(d => d.Key == "lps"), Is.False);
            var report = NetworkInfo.Parser.ParseFrom(service.Reports().Single(r => r.Endpoint == "network").Message);
            Assert.That(report.LatestConfig.Single(p => p.LogicalLabel == "uplink").LocalModificationsAllowed, Is.True);
            Assert.That(report.LatestConfig.Single(p => p.LogicalLabel == "backup").LocalModificationsAllowed, Is.False);

            // The operator sets eth0 static; eth1 is the controller's alone.
            var state = service.State();
            state.Network =
            [
                new LpsNetworkPort { LogicalLabel = "uplink", Dhcp = false, Address = $"10.98.{n}.60/24", Gateway = $"10.98.{n}.1", Dns = [$"10.98.{n}.1"] },
                new LpsNetworkPort { LogicalLabel = "backup", Dhcp = false, Address = $"10.97.{n}.60/24", Gateway = $"10.97.{n}.1" },
            ];
            service.Put(state, who, audit);
            await client.RoundAsync(default);
            var s = await ConnectivityLab.WaitForAsync(driver, s => s.Current is { Key: "lps", WasWorking: true }, "the local operator's DPC working", 120);
            Assert.That(s.List.Select(d => d.Key), Is.EqualTo(new[] { "lps", "zedagent", "lastresort" }), "lps just above the controller's DPC it came from");
            Assert.That(await lab.AddressesAsync("eth0"), Does.Contain($"10.98.{n}.60/24"));
            Assert.That(s.Current!.Ports.Single(p => p.IfName == "eth1").Dhcp, Is.True, "eth1 does not allow local modifications: kept");
            Assert.That(client.Errors, Has.Some.Contains("backup: the controller does not allow local modifications"));
            Assert.That(new DpcListStore(lab.PersistDir).Load().Dpcs.Any(d => d.Key == "lps" && d.WasWorking), Is.True, "persisted");

            // A broken local config (gateway nobody has) fails its test and falls back to the controller's.
            state.Network = [new LpsNetworkPort { LogicalLabel = "uplink", Dhcp = false, Address = $"10.98.{n}.61/24", Gateway = $"10.98.{n}.99", Dns = [$"10.98.{n}.1"] }];
            service.Put(state, who, audit);
            await client.RoundAsync(default);
            s = await ConnectivityLab.WaitForAsync(driver,
                s => s.Phase == DpcPhase.Stable && s.Current is { Key: "zedagent", WasWorking: true } && s.List.Any(d => d.Key == "lps" && d.LastFailed != null),
                "fallback from the broken local config to the controller's", 120);
            Assert.That(s.LastError, Does.StartWith("lps@").And.Contain("eth0"));
            await client.RoundAsync(default);
            report = NetworkInfo.Parser.ParseFrom(service.Reports().Single(r => r.Endpoint == "network").Message);
            Assert.That(report.ConfigTesting.ConnectivityError, Does.Contain("lps@"), "the LPS sees why its config is not in use");

            // A wrong token is ignored.
            client.Update($"10.96.{n}.1", "not-the-token-at-all", fromController);
            await client.RoundAsync(default);
            Assert.That(client.Errors, Has.Some.Contains("token"));

            // The operator clears it: 404, the local config is withdrawn, the controller's stays.
            client.Update($"10.96.{n}.1", token, fromController);
            state.Network = null;
            service.Put(state, who, audit);
            await client.RoundAsync(default);
            s = await ConnectivityLab.WaitForAsync(driver, s => !s.List.Any(d => d.Key == "lps") && s.Current is { Key: "zedagent" }, "local config withdrawn", 120);
            Assert.That(new DpcListStore(lab.PersistDir).Load().Dpcs.Any(d => d.Key == "lps"), Is.False);
        }
        finally
        {
            await cts.CancelAsync();
            await run.ContinueWith(_ => { }, TaskScheduler.Default);
            await applier.StopAsync(default);
        }
    }

    [TestCase("10.1.2.3", "http://10.1.2.3:8888/")]
    [TestCase("10.1.2.3:9000", "http://10.1.2.3:9000/")]
    [TestCase("http://lps.local", "http://lps.local:8888/")]
    [TestCase("http://lps.local:80", "http://lps.local/")]
    [TestCase("", null)]
    public void LpsAddress_DefaultsToPort8888(string server, string? expected) =>
        Assert.That(LpsNetworkClient.LpsUri(server)?.ToString(), Is.EqualTo(expected));
}
