using Eve.Appliance.Agent.Networks;
using Eve.Appliance.Platform.Net;
using Eve.Appliance.Tests.Platform.Net;
using static Eve.Appliance.Tests.Agent.Networks.NetworkConfigs;

namespace Eve.Appliance.Tests.Agent.Networks;

[TestFixture]
public sealed class SwitchLearningTests
{
    private const string Sw = "5e5e0000-0000-4000-8000-00000000001e";
    private const string AppA = "a0000011-0000-4000-8000-000000000011";
    private const string AppB = "a0000012-0000-4000-8000-000000000012";

    [Test]
    public async Task SwitchInstance_LearnsTheAddressesAppsUse_FromTheirTraffic()
    {
        await using var nat = await NatLab.CreateAsync();
        var n = NetnsLab.UniqueOctet();
        var a = await nat.AddAppAsync("swa");
        var b = await nat.AddAppAsync("swb");
        var args = new NetworksArgs([Switch(Sw, null)], [Nic(AppA, "a", Sw, [], a), Nic(AppB, "b", Sw, [], b)], [nat.Eth0]);
        var reconciler = nat.NewReconciler();
        var status = await reconciler.ReconcileAsync(args, default);
        Assert.That(status.Instance(Sw).Errors, Is.Empty);
        var observer = new AppNicObserver(nat.Supervisor, new NftClient(nat.Lab.Runner), nat.Device);
        Assert.That((await observer.ObserveAsync(status, args, reconciler.Current, default)).Select(x => x.Ip), Is.All.Null,
            "nothing learnt before the apps speak");

        // The apps configure themselves (no DHCP on a switch without uplink) and talk to each other.
        await nat.Lab.ExecAsync(a, "ip", "addr", "add", $"10.97.{n}.11/24", "dev", "eth0");
        await nat.Lab.ExecAsync(b, "ip", "addr", "add", $"10.97.{n}.12/24", "dev", "eth0");
        var ping = await nat.Lab.TryExecAsync(a, "busybox", "ping", "-c", "2", "-W", "2", $"10.97.{n}.12");
        Assert.That(ping.ExitCode, Is.Zero, ping.Stdout + ping.Stderr);

        var nics = await observer.ObserveAsync(status, args, reconciler.Current, default);
        Assert.That(nics.Single(x => x.App == Guid.Parse(AppA)).Ip, Is.EqualTo($"10.97.{n}.11"));
        Assert.That(nics.Single(x => x.App == Guid.Parse(AppB)).Ip, Is.EqualTo($"10.97.{n}.12"));
        Assert.That(nics.Select(x => x.Ready), Is.All.True);

        // Reported in the instance's info as EVE does (ipAssignments), though no DHCP server of ours gave them.
        var info = NetworkInfoReports.InfoOf(status.Instance(Sw), null, nics);
        Assert.That(info.IpAssignments.SelectMany(x => x.IpAddress), Is.EquivalentTo(new[] { $"10.97.{n}.11", $"10.97.{n}.12" }));
    }
}
