using Eve.Appliance.Agent.Networks;
using Eve.Appliance.Tests.Platform.Net;
using Org.Lfedge.Eve.Config;
using static Eve.Appliance.Tests.Agent.Networks.NetworkConfigs;

namespace Eve.Appliance.Tests.Agent.Networks;

/// <summary>Local network instances with real traffic between namespaces.</summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class LocalNetworkTests
{
    private const string NiA = "1aaa0000-0000-4000-8000-00000000000a";
    private const string NiB = "1bbb0000-0000-4000-8000-00000000000b";
    private const string App1 = "a0000001-0000-4000-8000-000000000001";
    private const string App2 = "a0000002-0000-4000-8000-000000000002";

    [Test]
    public async Task App_GetsLease_ReachesUpstreamThroughMasquerade_SecondAppResolvesFirstByName()
    {
        await using var nat = await NatLab.CreateAsync();
        var n = NetnsLab.UniqueOctet();
        var app1 = await nat.AddAppAsync("app1");
        var app2 = await nat.AddAppAsync("app2");
        await nat.Lab.StartHttpdAsync(nat.Upstream, nat.UpstreamIp, 8080, "hello from upstream");
        var args = new NetworksArgs([Local(NiA, $"10.99.{n}.0/24", "eth0")],
            [Nic(App1, "app-one", NiA, [AllowAll()], app1), Nic(App2, "app-two", NiA, [AllowAll()], app2)], [nat.Eth0]);

        var status = await nat.NewReconciler().ReconcileAsync(args, default);

        Assert.That(status.Instance(NiA).Errors, Is.Empty);
        var planned = status.Instance(NiA).Apps.Single(a => a.AppName == "app-one");
        Assert.That(await nat.Lab.DhcpAsync(app1, "eth0"), Is.EqualTo(planned.Ip));
        Assert.That(await nat.Lab.HttpGetAsync(app1, $"http://{nat.UpstreamIp}:8080/index.html"), Is.EqualTo("hello from upstream"));
        Assert.That(await nat.Lab.DhcpAsync(app2, "eth0"), Is.Not.Null);
        var lookup = await nat.Lab.ExecAsync(app2, "busybox", "nslookup", "-type=a", "app-one", $"10.99.{n}.1");
        Assert.That(lookup.Stdout, Does.Contain($"Address: {planned.Ip}"));
        Assert.That(nat.Supervisor.ReadLeases(NetworkNames.Dnsmasq(NiA)).Select(l => l.Mac), Does.Contain(planned.Mac));
    }

    [Test]
    public async Task LocalOnly_AppReachesGatewayAndOtherApp_ButNothingOutside()
    {
        await using var nat = await NatLab.CreateAsync();
        var n = NetnsLab.UniqueOctet();
        var app1 = await nat.AddAppAsync("lo1");
        var app2 = await nat.AddAppAsync("lo2");
        await nat.Lab.StartHttpdAsync(nat.Upstream, nat.UpstreamIp, 8080, "upstream");
        var args = new NetworksArgs([Local(NiA, $"10.99.{n}.0/24", null)],
            [Nic(App1, "one", NiA, [AllowAll()], app1), Nic(App2, "two", NiA, [AllowAll()], app2)], [nat.Eth0]);

        var status = await nat.NewReconciler().ReconcileAsync(args, default);
        await nat.Lab.DhcpAsync(app1, "eth0");
        var ip2 = await nat.Lab.DhcpAsync(app2, "eth0");

        Assert.That(status.Instance(NiA).Errors, Is.Empty);
        var routes = await nat.Lab.ExecAsync(app1, "ip", "route", "show");
        Assert.That(routes.Stdout, Does.Not.Contain("default"), "a local-only instance offers no router");
        Assert.That((await nat.Lab.TryExecAsync(app1, "busybox", "ping", "-c", "1", "-W", "2", $"10.99.{n}.1")).ExitCode, Is.Zero);
        Assert.That((await nat.Lab.TryExecAsync(app1, "busybox", "ping", "-c", "1", "-W", "2", ip2!)).ExitCode, Is.Zero);
        // Even an app that adds a route on its own gets nowhere: forwarding out of the bridge is dropped.
        await nat.Lab.ExecAsync(app1, "ip", "route", "add", "default", "via", $"10.99.{n}.1");
        Assert.That(await nat.Lab.HttpGetAsync(app1, $"http://{nat.UpstreamIp}:8080/index.html"), Is.Null);
    }

    [Test]
    public async Task Acl_AllowsListedHostAndPort_DropsEverythingElse()
    {
        await using var nat = await NatLab.CreateAsync();
        var n = NetnsLab.UniqueOctet();
        var app = await nat.AddAppAsync("acl");
        var other = $"10.98.{nat.Octet}.3";
        await nat.Lab.ExecAsync(nat.Upstream, "ip", "addr", "add", $"{other}/24", "dev", "up0");
        await nat.Lab.StartHttpdAsync(nat.Upstream, nat.UpstreamIp, 8080, "allowed");
        await nat.Lab.StartHttpdAsync(nat.Upstream, nat.UpstreamIp, 8081, "wrong port");
        await nat.Lab.StartHttpdAsync(nat.Upstream, other, 8080, "other host");
        var acl = Ace("web", null, ("ip", nat.UpstreamIp), ("protocol", "tcp"), ("fport", "8080"));
        var args = new NetworksArgs([Local(NiA, $"10.99.{n}.0/24", "eth0")], [Nic(App1, "acl", NiA, [acl], app)], [nat.Eth0]);

        var status = await nat.NewReconciler().ReconcileAsync(args, default);
        Assert.That(await nat.Lab.DhcpAsync(app, "eth0"), Is.Not.Null, "DHCP is allowed implicitly");

        Assert.That(status.Instance(NiA).Errors, Is.Empty);
        Assert.That(await nat.Lab.HttpGetAsync(app, $"http://{nat.UpstreamIp}:8080/index.html"), Is.EqualTo("allowed"));
        Assert.That(await nat.Lab.HttpGetAsync(app, $"http://{nat.UpstreamIp}:8081/index.html"), Is.Null);
        Assert.That(await nat.Lab.HttpGetAsync(app, $"http://{other}:8080/index.html"), Is.Null);
    }

    [Test]
    public async Task Portmap_MakesAppServiceReachableFromUpstream_OnTheDevicePort()
    {
        await using var nat = await NatLab.CreateAsync();
        var n = NetnsLab.UniqueOctet();
        var app = await nat.AddAppAsync("pm");
        var portmap = Ace("pm", new ACEAction { Portmap = true, AppPort = 80 }, ("protocol", "tcp"), ("lport", "8088"));
        var args = new NetworksArgs([Local(NiA, $"10.99.{n}.0/24", "eth0")], [Nic(App1, "pm", NiA, [portmap], app)], [nat.Eth0]);

        var status = await nat.NewReconciler().ReconcileAsync(args, default);
        var ip = await nat.Lab.DhcpAsync(app, "eth0");
        await nat.Lab.StartHttpdAsync(app, ip!, 80, "served by the app");

        Assert.That(status.Instance(NiA).Errors, Is.Empty);
        Assert.That(await nat.Lab.HttpGetAsync(nat.Upstream, $"http://{nat.DeviceIp}:8088/index.html"), Is.EqualTo("served by the app"));
        Assert.That(await nat.Lab.HttpGetAsync(nat.Upstream, $"http://{nat.DeviceIp}:80/index.html"), Is.Null,
            "only the mapped port leads to the app");
    }

    [Test]
    public async Task DeletingAnInstance_RemovesItsBridgeDnsmasqAndTable_AndNothingElse()
    {
        await using var nat = await NatLab.CreateAsync();
        var n = NetnsLab.UniqueOctet();
        var m = NetnsLab.UniqueOctet();
        var reconciler = nat.NewReconciler();
        var both = new NetworksArgs([Local(NiA, $"10.99.{n}.0/24", "eth0"), Local(NiB, $"10.99.{m}.0/24", "eth0")], [], [nat.Eth0]);
        await reconciler.ReconcileAsync(both, default);
        var dnsmasqA = nat.Supervisor.Find(NetworkNames.Dnsmasq(NiA))!;
        var before = await Snapshot(nat);

        var status = await reconciler.ReconcileAsync(both with { Instances = [both.Instances[1]] }, default);

        var after = await Snapshot(nat);
        Assert.That(status.Log.Select(e => e.ToString()), Is.EquivalentTo(new[]
        {
            $"Delete dnsmasq.instance/{NetworkNames.Dnsmasq(NiA)}",
            $"Delete nft.table/{NetworkNames.NftTable(NiA)}",
            $"Delete linux.bridge/{NetworkNames.Bridge(NiA)}",
        }));
        Assert.That(before.Except(after), Is.EquivalentTo(new[]
        {
            $"link {NetworkNames.Bridge(NiA)}", $"table inet {NetworkNames.NftTable(NiA)}", $"dnsmasq {NetworkNames.Dnsmasq(NiA)}",
        }));
        Assert.That(after.Except(before), Is.Empty);
        Assert.That(File.Exists($"/proc/{dnsmasqA.Pid}/cmdline") && !File.ReadAllText($"/proc/{dnsmasqA.Pid}/stat").Contains(") Z "),
            Is.False, "the deleted instance's dnsmasq process is gone");
    }

    [Test]
    public async Task SamePass_Twice_DoesNothing_AndARestartedAppliance_AdoptsWithoutDisturbingTraffic()
    {
        await using var nat = await NatLab.CreateAsync();
        var n = NetnsLab.UniqueOctet();
        var app = await nat.AddAppAsync("adopt");
        await nat.Lab.StartHttpdAsync(nat.Upstream, nat.UpstreamIp, 8080, "still here");
        var args = new NetworksArgs([Local(NiA, $"10.99.{n}.0/24", "eth0")], [Nic(App1, "adopt", NiA, [AllowAll()], app)], [nat.Eth0]);
        var first = nat.NewReconciler();
        await first.ReconcileAsync(args, default);
        await nat.Lab.DhcpAsync(app, "eth0");
        var pid = nat.Supervisor.Find(NetworkNames.Dnsmasq(NiA))!.Pid;
        var bridgeIndex = await IfIndex(nat, NetworkNames.Bridge(NiA));

        var again = await first.ReconcileAsync(args, default);
        var restarted = await nat.NewReconciler().ReconcileAsync(args, default);

        Assert.That(again.Log, Is.Empty);
        Assert.That(restarted.Log, Is.Empty, "everything found on the system matched the intended state");
        Assert.That(restarted.Instance(NiA).Errors, Is.Empty);
        Assert.That(nat.Supervisor.Find(NetworkNames.Dnsmasq(NiA))!.Pid, Is.EqualTo(pid));
        Assert.That(await IfIndex(nat, NetworkNames.Bridge(NiA)), Is.EqualTo(bridgeIndex));
        Assert.That(await nat.Lab.HttpGetAsync(app, $"http://{nat.UpstreamIp}:8080/index.html"), Is.EqualTo("still here"));
    }

    [Test]
    public async Task RestartedAppliance_RemovesInstancesThatAreNoLongerConfigured()
    {
        await using var nat = await NatLab.CreateAsync();
        var n = NetnsLab.UniqueOctet();
        await nat.NewReconciler().ReconcileAsync(new NetworksArgs([Local(NiA, $"10.99.{n}.0/24", "eth0")], [], [nat.Eth0]), default);

        var status = await nat.NewReconciler().ReconcileAsync(new NetworksArgs([], [], [nat.Eth0]), default);

        Assert.That(status.Log.Select(e => e.Operation), Is.All.EqualTo(Eve.Appliance.Agent.Reconcile.Operation.Delete));
        Assert.That(await Snapshot(nat), Has.None.Contains(NetworkNames.InstanceId(NiA)));
    }

    private static async Task<int> IfIndex(NatLab nat, string link) =>
        (await new Eve.Appliance.Platform.Net.IpLinkClient(nat.Lab.Runner).GetLinkAsync(link, nat.Device, default))!.Index;

    private static async Task<HashSet<string>> Snapshot(NatLab nat)
    {
        var links = await new Eve.Appliance.Platform.Net.IpLinkClient(nat.Lab.Runner).ListLinksAsync(nat.Device, default);
        var tables = await new Eve.Appliance.Platform.Net.NftClient(nat.Lab.Runner).ListTablesAsync(nat.Device, default);
        return [.. links.Select(l => $"link {l.Name}"), .. tables.Select(t => $"table {t.Family} {t.Name}"),
            .. nat.Supervisor.ListInstances().Where(i => nat.Supervisor.Find(i) != null).Select(i => $"dnsmasq {i}")];
    }
}
