using Eve.Appliance.Agent.Networks;
using Eve.Appliance.Tests.Platform.Net;
using static Eve.Appliance.Tests.Agent.Networks.NetworkConfigs;

namespace Eve.Appliance.Tests.Agent.Networks;

/// <summary>Changes touch only what changed; failures are reported in words and retried.</summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class NetworkChangeTests
{
    private const string Ni = "1e1e0000-0000-4000-8000-00000000000e";
    private const string App = "a0000005-0000-4000-8000-000000000005";

    [Test]
    public async Task ChangingAnAcl_OnlyReplacesTheInstanceTable_AndTakesEffect()
    {
        await using var nat = await NatLab.CreateAsync();
        var n = NetnsLab.UniqueOctet();
        var app = await nat.AddAppAsync("chg");
        await nat.Lab.StartHttpdAsync(nat.Upstream, nat.UpstreamIp, 8080, "up");
        var reconciler = nat.NewReconciler();
        NetworksArgs Args(params Org.Lfedge.Eve.Config.ACE[] acls) =>
            new([Local(Ni, $"10.99.{n}.0/24", "eth0")], [Nic(App, "chg", Ni, acls, app)], [nat.Eth0]);
        await reconciler.ReconcileAsync(Args(AllowAll()), default);
        await nat.Lab.DhcpAsync(app, "eth0");
        var pid = nat.Supervisor.Find(NetworkNames.Dnsmasq(Ni))!.Pid;
        Assert.That(await nat.Lab.HttpGetAsync(app, $"http://{nat.UpstreamIp}:8080/index.html"), Is.EqualTo("up"));

        var status = await reconciler.ReconcileAsync(Args(Ace("only-dns-host", null, ("ip", "10.98.0.53"))), default);

        Assert.That(status.Log.Select(e => e.ToString()), Is.EqualTo(new[] { $"Modify nft.table/{NetworkNames.NftTable(Ni)}" }));
        Assert.That(nat.Supervisor.Find(NetworkNames.Dnsmasq(Ni))!.Pid, Is.EqualTo(pid));
        Assert.That(await nat.Lab.HttpGetAsync(app, $"http://{nat.UpstreamIp}:8080/index.html"), Is.Null);
    }

    [Test]
    public async Task BridgeNameTakenByAnotherInterface_IsReportedInWords_DependentsWait_AndRetrySucceedsOnceFreed()
    {
        await using var nat = await NatLab.CreateAsync();
        var n = NetnsLab.UniqueOctet();
        var squatter = await nat.Lab.AddNetnsAsync("sq");
        await nat.Lab.LinkAsync(nat.Device, NetworkNames.Bridge(Ni), null, squatter, "x0", null);
        var reconciler = nat.NewReconciler();
        var args = new NetworksArgs([Local(Ni, $"10.99.{n}.0/24", "eth0")], [], [nat.Eth0]);

        var failed = await reconciler.ReconcileAsync(args, default);

        var errors = failed.Instance(Ni).Errors;
        Assert.That(errors, Has.Some.Contains($"create bridge {NetworkNames.Bridge(Ni)} for network {Ni}: an interface of kind 'veth' owns the name"));
        Assert.That(errors, Has.Some.StartsWith($"dnsmasq.instance/{NetworkNames.Dnsmasq(Ni)} waits: linux.bridge/{NetworkNames.Bridge(Ni)} is failure"));
        Assert.That(nat.Supervisor.Find(NetworkNames.Dnsmasq(Ni)), Is.Null);

        await nat.Lab.ExecAsync(nat.Device, "ip", "link", "del", NetworkNames.Bridge(Ni));
        var retried = await reconciler.ReconcileAsync(args, default);

        Assert.That(retried.Instance(Ni).Errors, Is.Empty);
        Assert.That(nat.Supervisor.Find(NetworkNames.Dnsmasq(Ni)), Is.Not.Null);
    }
}
