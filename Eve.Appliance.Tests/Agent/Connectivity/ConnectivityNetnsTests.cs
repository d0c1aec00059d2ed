using System.Diagnostics;
using Eve.Appliance.Agent.Connectivity;

namespace Eve.Appliance.Tests.Agent.Connectivity;

/// <summary>The DPC driver with the real applier (dhcpcd, ip) and tester (curl to /ping) in namespaces.</summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class ConnectivityNetnsTests
{
    [Test]
    public async Task DhcpWorks_WrongGatewayFails_FallsBackToLastWorking_WithError()
    {
        await using var lab = await ConnectivityLab.StartAsync();
        var (driver, applier) = lab.NewDriver(TimeSpan.FromSeconds(8));
        using var cts = new CancellationTokenSource();
        var run = driver.RunAsync(cts.Token);
        try
        {
            var s = await ConnectivityLab.WaitForAsync(driver, s => s.Current is { IsLastResort: true, WasWorking: true }, "last resort DHCP working");
            Assert.That(await lab.AddressesAsync("eth0"), Does.Contain($"10.98.{lab.N}."), "eth0 has a DHCP lease");

            var broken = new DevicePortConfig(DevicePortConfig.ControllerKey, DateTimeOffset.UtcNow,
                [new DpcPort("eth0", "uplink", true, 0, Dhcp: false, AddrSubnet: $"10.98.{lab.N}.50/24", Gateway: $"10.98.{lab.N}.99")]);
            var sw = Stopwatch.StartNew();
            driver.Post(new DpcEvent.Received(broken));
            await ConnectivityLab.WaitForAsync(driver, s => s.List.Any(d => d.Key == "zedagent" && d.LastFailed != null), "broken DPC failing");
            var failedAt = sw.Elapsed;
            s = await ConnectivityLab.WaitForAsync(driver, s => s.Phase == DpcPhase.Stable && s.Current is { IsLastResort: true } c && c.LastSucceeded > s.List[0].LastFailed,
                "fallback to the last resort");
            TestContext.Out.WriteLine($"broken DPC → declared failed {failedAt.TotalSeconds:0.00} s (test duration 8 s) → connectivity restored after {(sw.Elapsed - failedAt).TotalSeconds:0.00} s more");

            Assert.That(s.List[0].Key, Is.EqualTo("zedagent"), "the failed DPC stays on top to be retried later");
            Assert.That(s.LastError, Does.Contain("zedagent").And.Contain("eth0").And.Contain("unreachable"));
            Assert.That(await lab.AddressesAsync("eth0"), Does.Not.Contain($"10.98.{lab.N}.50/"), "static address undone");
            Assert.That(await lab.Net.HttpGetAsync(lab.Device, $"{lab.Controller}api/v2/edgedevice/ping"), Is.EqualTo("pong"));
            var persisted = new DpcListStore(lab.PersistDir).Load();
            Assert.That(persisted.Dpcs.Single(d => d.Key == "zedagent").LastError, Does.Contain("unreachable"));
            Assert.That(persisted.Dpcs[persisted.CurrentIndex].IsLastResort, Is.True);
        }
        finally
        {
            await cts.CancelAsync();
            await run.ContinueWith(_ => { }, TaskScheduler.Default);
            await applier.StopAsync(default);
        }
        Assert.That(Directory.GetFiles(Path.Combine(lab.Dir, "run"), "*.pid", SearchOption.AllDirectories), Is.Empty, "every dhcpcd stopped by its pid");
    }

    [Test]
    public async Task DpcNamingMissingPort_FailsAtApplyWithReason_AndFallsBack()
    {
        await using var lab = await ConnectivityLab.StartAsync();
        var (driver, applier) = lab.NewDriver(TimeSpan.FromSeconds(10));
        using var cts = new CancellationTokenSource();
        var run = driver.RunAsync(cts.Token);
        try
        {
            await ConnectivityLab.WaitForAsync(driver, s => s.Current is { IsLastResort: true, WasWorking: true }, "last resort DHCP working");
            driver.Post(new DpcEvent.Received(new DevicePortConfig(DevicePortConfig.ControllerKey, DateTimeOffset.UtcNow,
                [new DpcPort("eth7", "uplink", true, 0, Dhcp: true)])));
            var s = await ConnectivityLab.WaitForAsync(driver,
                s => s.Phase == DpcPhase.Stable && s.List.Any(d => d.Key == "zedagent" && d.LastFailed != null) && s.Current is { IsLastResort: true },
                "failed apply and fallback");
            Assert.That(s.LastError, Does.Contain("applying failed").And.Contain("eth7 does not exist"));
        }
        finally
        {
            await cts.CancelAsync();
            await run.ContinueWith(_ => { }, TaskScheduler.Default);
            await applier.StopAsync(default);
        }
    }

    [Test]
    public async Task OverrideIngestedOnce_ListSurvivesRestart_AndIsReapplied()
    {
        await using var lab = await ConnectivityLab.StartAsync();
        await File.WriteAllTextAsync(Path.Combine(lab.ConfigDir, "override.json"),
            """{ "Key": "override", "Ports": [ { "IfName": "eth0", "Logicallabel": "uplink", "IsMgmt": true, "Dhcp": 4 } ] }""");

        var (first, applier1) = lab.NewDriver(TimeSpan.FromSeconds(10));
        using (var cts = new CancellationTokenSource())
        {
            var run = first.RunAsync(cts.Token);
            try
            {
                await ConnectivityLab.WaitForAsync(first, s => s.Current is { Key: "override", WasWorking: true }, "override.json applied and working");
                // A newer controller DPC that works replaces the override; pruning drops the override.
                first.Post(new DpcEvent.Received(new DevicePortConfig(DevicePortConfig.ControllerKey, DateTimeOffset.UtcNow.AddMinutes(1),
                    [new DpcPort("eth0", "uplink", true, 1, Dhcp: true)])));
                var s = await ConnectivityLab.WaitForAsync(first, s => s.Current is { Key: "zedagent", WasWorking: true }, "controller DPC working");
                Assert.That(s.List.Select(d => d.Key), Is.EqualTo(new[] { "zedagent", "lastresort" }));
            }
            finally
            {
                await cts.CancelAsync();
                await run.ContinueWith(_ => { }, TaskScheduler.Default);
                await applier1.StopAsync(default);
            }
        }
        var before = new DpcListStore(lab.PersistDir).Load();
        await lab.Net.ExecAsync(lab.Device, "ip", "-4", "addr", "flush", "dev", "eth0"); // as after a reboot

        var (second, applier2) = lab.NewDriver(TimeSpan.FromSeconds(10));
        using (var cts = new CancellationTokenSource())
        {
            var run = second.RunAsync(cts.Token);
            try
            {
                var s = await ConnectivityLab.WaitForAsync(second,
                    s => s.Phase == DpcPhase.Stable && s.Current is { Key: "zedagent" } c && c.LastSucceeded > before.Dpcs[0].LastSucceeded,
                    "persisted controller DPC re-applied after restart");
                Assert.That(s.List.Select(d => d.Key), Is.EqualTo(new[] { "zedagent", "lastresort" }), "override.json is not ingested again");
                Assert.That(await lab.AddressesAsync("eth0"), Does.Contain($"10.98.{lab.N}."));
                Assert.That(new DpcListStore(lab.PersistDir).Load().Ingested.Keys, Is.EqualTo(new[] { "override.json" }));
            }
            finally
            {
                await cts.CancelAsync();
                await run.ContinueWith(_ => { }, TaskScheduler.Default);
                await applier2.StopAsync(default);
            }
        }
    }
}
