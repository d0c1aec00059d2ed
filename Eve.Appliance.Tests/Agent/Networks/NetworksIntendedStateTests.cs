using Eve.Appliance.Agent.Networks;
using Eve.Appliance.Agent.Networks.Items;
using Org.Lfedge.Eve.Config;
using static Eve.Appliance.Tests.Agent.Networks.NetworkConfigs;

namespace Eve.Appliance.Tests.Agent.Networks;

[TestFixture]
public sealed class NetworksIntendedStateTests
{
    private const string Ni = "6f1c2d3e-0000-4000-8000-000000000001";
    private const string App = "a1a1a1a1-0000-4000-8000-000000000001";
    private static readonly DevicePort Eth0 = new("eth0", "eth0", 0, ["10.98.1.53"]);

    private static NetworksArgs Args(NetworkInstanceConfig ni, params AppNetworkInterface[] nics) => new([ni], nics, [Eth0]);

    [Test]
    public void LocalWithUplink_HasBridgeAtGateway_DnsmasqWithRouter_TableWithMasquerade_TapOnBridge_Forwarding()
    {
        var (graph, plans) = NetworksIntendedState.Build(Args(Local(Ni, "10.99.5.0/24", "uplink"), Nic(App, "Web One", Ni, [AllowAll()])));

        var bridge = graph.Items.OfType<BridgeItem>().Single();
        Assert.That(bridge.IfName, Is.EqualTo("bn-6f1c2d3e"));
        Assert.That(bridge.Address, Is.EqualTo("10.99.5.1/24"));
        var dnsmasq = graph.Items.OfType<DnsmasqItem>().Single().Config;
        Assert.That(dnsmasq.Router, Is.EqualTo("10.99.5.1"));
        Assert.That(dnsmasq.UpstreamServers, Is.EqualTo(new[] { "10.98.1.53" }));
        var app = plans.Single().Apps.Single();
        Assert.That(dnsmasq.StaticLeases.Single(), Is.EqualTo(new Eve.Appliance.Platform.Net.DhcpHost(app.Mac, app.Ip!, "web-one")));
        Assert.That(app.Mac, Does.StartWith("02:"));
        var table = graph.Items.OfType<NftTableItem>().Single();
        Assert.That(table.Text, Does.Contain("ip saddr 10.99.5.0/24 oifname \"eth0\" masquerade"));
        Assert.That(graph.Items.OfType<AppVifItem>().Single().Bridge, Is.EqualTo("bn-6f1c2d3e"));
        Assert.That(graph.Items.OfType<SysctlItem>().Select(s => s.Describe()),
            Is.EquivalentTo(new[] { "net.ipv4.ip_forward=1", "net.netfilter.nf_conntrack_acct=1" }));
        Assert.That(table.Text, Does.Contain("iifname \"bn-6f1c2d3e\" ip daddr 169.254.169.254 tcp dport 80 dnat ip to 10.99.5.1:80"),
            "the metadata address goes to the instance's own server on the gateway");
        Assert.That(plans.Single().Problems, Is.Empty);
    }

    [Test]
    public void LocalOnly_HasNoRouterNoMasqueradeNoForwarding_AndDropsEverythingOut()
    {
        var (graph, plans) = NetworksIntendedState.Build(Args(Local(Ni, "10.99.5.0/24", null), Nic(App, "a", Ni, [AllowAll()])));

        Assert.That(graph.Items.OfType<DnsmasqItem>().Single().Config.Router, Is.Null);
        var text = graph.Items.OfType<NftTableItem>().Single().Text;
        Assert.That(text, Does.Not.Contain("masquerade"));
        Assert.That(text, Does.Contain("chain apps_out {\n    ct state established,related accept\n    drop\n  }"));
        Assert.That(graph.Items.OfType<SysctlItem>().Select(s => s.Key), Has.None.EqualTo("net.ipv4.ip_forward"));
        Assert.That(graph.Items.OfType<DnsmasqItem>().Single().Config.Render("/"),
            Does.Contain("dhcp-option=option:classless-static-route,169.254.169.254/32,10.99.5.1"), "metadata stays reachable without a router");
        Assert.That(plans.Single().Uplink, Is.Null);
    }

    [Test]
    public void SameInput_SameGraph_AndAddressesStayWhenAnotherAppArrives()
    {
        var one = Nic(App, "a", Ni, []);
        var (g1, p1) = NetworksIntendedState.Build(Args(Local(Ni, "10.99.5.0/24", "eth0"), one));
        var (g2, _) = NetworksIntendedState.Build(Args(Local(Ni, "10.99.5.0/24", "eth0"), one));
        var (_, p3) = NetworksIntendedState.Build(Args(Local(Ni, "10.99.5.0/24", "eth0"),
            Nic("00000000-0000-4000-8000-000000000009", "b", Ni, []), one));

        Assert.That(g1.Items, Is.EqualTo(g2.Items));
        Assert.That(p3.Single().Apps.Single(a => a.AppUuid == App).Ip, Is.EqualTo(p1.Single().Apps.Single().Ip));
    }

    [Test]
    public void StaticAddressAndMacFromConfig_AreUsed_ConflictsAreReported()
    {
        var (_, plans) = NetworksIntendedState.Build(Args(Local(Ni, "10.99.5.0/24", "eth0"),
            Nic(App, "a", Ni, [], addr: "10.99.5.50", mac: "02:AA:00:00:00:01"),
            Nic("b2b2b2b2-0000-4000-8000-000000000002", "b", Ni, [], addr: "10.99.5.50")));

        var a = plans.Single().Apps.Single(x => x.AppName == "a");
        Assert.That(a.Ip, Is.EqualTo("10.99.5.50"));
        Assert.That(a.Mac, Is.EqualTo("02:aa:00:00:00:01"));
        Assert.That(plans.Single().Apps.Single(x => x.AppName == "b").Ip, Is.Not.EqualTo("10.99.5.50"));
        Assert.That(plans.Single().Problems.Single(), Does.Contain("address '10.99.5.50' is not free"));
    }

    [Test]
    public void Acls_FirstMatchOrder_ImplicitDrop_PortmapDnat_Limit()
    {
        var acls = new[]
        {
            Ace("drop-dns-host", new ACEAction { Drop = true }, ("ip", "10.98.1.3")),
            Ace("web", null, ("ip", "10.98.1.0/24"), ("protocol", "tcp"), ("fport", "8080")),
            Ace("pm", new ACEAction { Portmap = true, AppPort = 80 }, ("protocol", "tcp"), ("lport", "8088")),
            Ace("slow", new ACEAction { Limit = true, Limitrate = 5, Limitunit = "s", Limitburst = 2 }, ("protocol", "icmp")),
        };
        var (graph, plans) = NetworksIntendedState.Build(Args(Local(Ni, "10.99.5.0/24", "eth0"), Nic(App, "a", Ni, acls)));

        var app = plans.Single().Apps.Single();
        var text = graph.Items.OfType<NftTableItem>().Single().Text;
        var outChain = Chain(text, NftRuleset.OutChain(app));
        Assert.That(outChain, Is.EqualTo(new[]
        {
            "meta l4proto icmp limit rate over 5/second burst 2 packets drop",
            "ct state established,related accept",
            "ip daddr 10.98.1.3/32 drop",
            "ip daddr 10.98.1.0/24 meta l4proto tcp th dport 8080 ct mark set 2 accept",
            "meta l4proto icmp ct mark set 4 accept",
            "drop",
        }));
        Assert.That(Chain(text, "prerouting"), Does.Contain($"iifname \"eth0\" meta l4proto tcp th dport 8088 dnat ip to {app.Ip}:80"));
        Assert.That(Chain(text, NftRuleset.InChain(app)), Does.Contain("ct status dnat meta l4proto tcp th dport 80 ct mark set 3 accept"));
        Assert.That(plans.Single().Problems, Is.Empty);
    }

    [Test]
    public void InvalidAce_IsSkippedAndReportedInWords()
    {
        var (_, plans) = NetworksIntendedState.Build(Args(Local(Ni, "10.99.5.0/24", null),
            Nic(App, "a", Ni, [Ace("bad", null, ("protocol", "icmp"), ("fport", "80")),
                Ace("pm", new ACEAction { Portmap = true, AppPort = 80 }, ("lport", "8080"))])));

        Assert.That(plans.Single().Problems, Is.EqualTo(new[]
        {
            "app a interface 0 ACE #1 'bad': ports need protocol tcp or udp, not icmp; the ACE is ignored",
            "app a interface 0 ACE #2 'pm': portmap needs a network instance with an uplink; the ACE is ignored",
        }));
    }

    [Test]
    public void UnknownPortLabel_IsReported_InstanceRunsLocalOnly()
    {
        var (_, plans) = NetworksIntendedState.Build(Args(Local(Ni, "10.99.5.0/24", "eth7")));

        Assert.That(plans.Single().Uplink, Is.Null);
        Assert.That(plans.Single().Problems.Single(), Does.Contain("port 'eth7' matches no device port (eth0)"));
    }

    [Test]
    public void BadSubnet_AndUnsupportedKind_YieldNoItemsButAReason()
    {
        var cloud = Local("c0c0c0c0-0000-4000-8000-000000000003", "10.99.6.0/24", null);
        cloud.InstType = ZNetworkInstType.ZnetInstCloud;
        var (graph, plans) = NetworksIntendedState.Build(new NetworksArgs([Local(Ni, "10.99.5.0/33", null), cloud], [], []));

        Assert.That(graph.Count, Is.Zero);
        Assert.That(plans[0].Problems.Single(), Does.Contain("subnet '10.99.5.0/33' is not an IPv4 prefix"));
        Assert.That(plans[1].Problems.Single(), Does.Contain("kind ZnetInstCloud is not supported"));
    }

    [Test]
    public void Switch_HasAddresslessBridge_PortEnslaved_NoDnsmasq_OnlyABridgeTableThatLearnsAppAddresses()
    {
        var sw = "5a5a5a5a-0000-4000-8000-000000000005";
        var (graph, _) = NetworksIntendedState.Build(new NetworksArgs([Switch(sw, "eth0")], [Nic(App, "a", sw, [])], [Eth0]));

        Assert.That(graph.Items.OfType<BridgeItem>().Single().Address, Is.Null);
        Assert.That(graph.Items.OfType<BridgePortItem>().Single(), Is.EqualTo(new BridgePortItem("eth0", "bn-5a5a5a5a")));
        Assert.That(graph.Items.OfType<DnsmasqItem>(), Is.Empty);
        var table = graph.Items.OfType<NftTableItem>().Single();
        Assert.That(table.Family, Is.EqualTo("bridge"), "no NAT or ACLs on a switch, only address learning");
        Assert.That(table.Text, Does.Contain($"iifname {{ \"{NetworkNames.Vif(App, 0)}\" }} ether type arp"));
    }

    private static List<string> Chain(string text, string chain)
    {
        var start = text.IndexOf($"  chain {chain} {{\n", StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), $"chain {chain} in\n{text}");
        var end = text.IndexOf("\n  }", start, StringComparison.Ordinal);
        return [.. text[start..end].Split('\n').Skip(1).Select(l => l.Trim()).Where(l => !l.StartsWith("type ", StringComparison.Ordinal))];
    }
}
