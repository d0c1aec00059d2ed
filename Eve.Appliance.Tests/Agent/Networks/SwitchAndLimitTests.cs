using System.Text.RegularExpressions;
using Eve.Appliance.Agent.Networks;
using Eve.Appliance.Platform.Net;
using Eve.Appliance.Tests.Platform.Net;
using Org.Lfedge.Eve.Config;
using static Eve.Appliance.Tests.Agent.Networks.NetworkConfigs;

namespace Eve.Appliance.Tests.Agent.Networks;

[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed partial class SwitchAndLimitTests
{
    private const string Sw = "5e5e0000-0000-4000-8000-00000000000e";
    private const string Ni = "1c1c0000-0000-4000-8000-00000000000c";
    private const string App = "a0000003-0000-4000-8000-000000000003";

    [Test]
    public async Task SwitchInstance_AppGetsItsAddressFromTheUpstreamDhcpServer()
    {
        await using var nat = await NatLab.CreateAsync();
        var m = NetnsLab.UniqueOctet();
        await nat.Lab.LinkAsync(nat.Device, "eth1", null, nat.Upstream, "up1", $"10.98.{m}.1/24");
        var upstreamDhcp = new DnsmasqSupervisor(nat.Lab.Runner, Path.Combine(nat.Lab.Dir, "uprun"));
        try
        {
            await upstreamDhcp.EnsureRunningAsync(new DnsmasqConfig("upstream", "up1", $"10.98.{m}.1", $"10.98.{m}.50", $"10.98.{m}.60",
                "255.255.255.0", TimeSpan.FromHours(1), $"10.98.{m}.1", [], [], null, [], [], []), nat.Upstream, default);
            var app = await nat.AddAppAsync("sw");
            var args = new NetworksArgs([Switch(Sw, "eth1")], [Nic(App, "sw", Sw, [], app)], [nat.Eth0, new DevicePort("eth1", "eth1")]);

            var status = await nat.NewReconciler().ReconcileAsync(args, default);
            var ip = await nat.Lab.DhcpAsync(app, "eth0");

            Assert.That(status.Instance(Sw).Errors, Is.Empty);
            Assert.That(ip, Does.StartWith($"10.98.{m}.5").Or.EqualTo($"10.98.{m}.60"));
            Assert.That(upstreamDhcp.ReadLeases("upstream").Single().Mac, Is.EqualTo(status.Instance(Sw).Apps.Single().Mac));
            Assert.That(nat.Supervisor.ListInstances(), Is.Empty, "a switch instance runs no dnsmasq of ours");

            await nat.NewReconciler().ReconcileAsync(args with { Instances = [] }, default);
            var eth1 = await new IpLinkClient(nat.Lab.Runner).GetLinkAsync("eth1", nat.Device, default);
            Assert.That(eth1, Is.Not.Null, "the device port survives the instance");
            Assert.That(eth1!.Master, Is.Null, "and is released from the bridge");
        }
        finally
        {
            await upstreamDhcp.StopAsync("upstream", default);
        }
    }

    [Test]
    public async Task LimitAction_DropsPacketsAboveTheRate()
    {
        await using var nat = await NatLab.CreateAsync();
        var n = NetnsLab.UniqueOctet();
        var app = await nat.AddAppAsync("lim");
        var limit = Ace("icmp-limit", new ACEAction { Limit = true, Limitrate = 2, Limitunit = "s", Limitburst = 2 }, ("protocol", "icmp"));
        var args = new NetworksArgs([Local(Ni, $"10.99.{n}.0/24", "eth0")], [Nic(App, "lim", Ni, [limit], app)], [nat.Eth0]);
        var status = await nat.NewReconciler().ReconcileAsync(args, default);
        await nat.Lab.DhcpAsync(app, "eth0");

        // 20 pings in about a second: the gateway (not limited) answers all of them, the upstream host
        // (through the limited ACE) only the burst plus about two per second.
        var toGateway = await Ping(nat, app, $"10.99.{n}.1");
        var limited = await Ping(nat, app, nat.UpstreamIp);

        Assert.That(status.Instance(Ni).Errors, Is.Empty);
        Assert.That(toGateway, Is.EqualTo(20));
        Assert.That(limited, Is.InRange(1, 12), $"received {limited} of 20 through a 2/s burst-2 limit");
        TestContext.Out.WriteLine($"limit 2/s burst 2: {limited} of 20 pings at 20/s passed; gateway control {toGateway} of 20");
    }

    private static async Task<int> Ping(NatLab nat, string ns, string target)
    {
        var r = await nat.Lab.TryExecAsync(ns, "busybox", "ping", "-c", "20", "-i", "0.05", "-W", "1", "-q", target);
        var match = Received().Match(r.Stdout);
        return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : -1;
    }

    [GeneratedRegex(@"(\d+) packets received")]
    private static partial Regex Received();
}
