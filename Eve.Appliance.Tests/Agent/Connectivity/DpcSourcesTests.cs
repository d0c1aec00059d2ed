using Eve.Appliance.Agent.Connectivity;
using Org.Lfedge.Eve.Common;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Tests.Agent.Connectivity;

[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class DpcSourcesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Test]
    public void ControllerConfig_MapsAdaptersNetworksAndPhysicalIo()
    {
        var cfg = new EdgeDevConfig();
        cfg.DeviceIoList.Add(new PhysicalIO { Logicallabel = "uplink0", Phylabel = "eth0", Phyaddrs = { ["Ifname"] = "enp1s0" } });
        cfg.DeviceIoList.Add(new PhysicalIO { Logicallabel = "uplink1", Phylabel = "eth1" });
        cfg.Networks.Add(new NetworkConfig { Id = "n-dhcp", Ip = new ipspec { Dhcp = DHCPType.Client } });
        var proxy = new ProxyConfig { Exceptions = "local", Pacfile = "function FindProxyForURL(u,h){return 'DIRECT';}" };
        proxy.Proxies.Add(new ProxyServer { Proto = proxyProto.ProxyHttps, Server = "proxy.lan", Port = 3128 });
        var staticNet = new NetworkConfig
        {
            Id = "n-static", EntProxy = proxy,
            Ip = new ipspec { Dhcp = DHCPType.Static, Subnet = "10.1.2.0/24", Gateway = "10.1.2.1", Ntp = "10.1.2.2", Dns = { "10.1.2.3" } },
        };
        cfg.Networks.Add(staticNet);
        cfg.SystemAdapterList.Add(new SystemAdapter { Name = "uplink0", NetworkUUID = "n-dhcp", Uplink = true });
        cfg.SystemAdapterList.Add(new SystemAdapter { Name = "uplink1", NetworkUUID = "n-static", Uplink = true, Cost = 10, Addr = "10.1.2.5" });

        var dpc = DpcSources.FromController(cfg, T0)!;

        Assert.That(dpc.Key, Is.EqualTo("zedagent"));
        Assert.That(dpc.Ports[0], Is.EqualTo(new DpcPort("enp1s0", "uplink0", true, 0, Dhcp: true, DnsServers: [], NtpServers: [])));
        var p1 = dpc.Ports[1];
        Assert.That((p1.IfName, p1.Dhcp, p1.AddrSubnet, p1.Gateway, p1.Cost), Is.EqualTo(("eth1", false, "10.1.2.5/24", "10.1.2.1", 10u)));
        Assert.That(p1.NtpServers, Is.EqualTo(new[] { "10.1.2.2" }));
        Assert.That(p1.DnsServers, Is.EqualTo(new[] { "10.1.2.3" }));
        Assert.That(p1.Proxy!.Servers.Single(), Is.EqualTo(new DpcProxyServer("https", "proxy.lan", 3128)));
        Assert.That(p1.Proxy.Pac, Does.Contain("FindProxyForURL"));
    }

    [Test]
    public void ControllerConfigWithoutAdapters_GivesNoDpc() =>
        Assert.That(DpcSources.FromController(new EdgeDevConfig(), T0), Is.Null);

    [Test]
    public void EveJson_StaticAndProxy()
    {
        var dpc = DpcSources.FromEveJson("""
            { "Key": "override", "TimePriority": "2026-02-01T00:00:00Z",
              "Ports": [ { "IfName": "eth0", "Logicallabel": "up", "IsMgmt": true, "Dhcp": 1,
                           "AddrSubnet": "10.9.0.5/24", "Gateway": "10.9.0.1", "DNSServers": ["10.9.0.1"],
                           "Proxies": [ { "Type": 0, "Server": "p", "Port": 8080 } ], "Exceptions": "x" },
                         { "ifname": "eth1", "dhcp": 4 } ] }
            """, "override", T0);
        Assert.That(dpc.TimePriority, Is.EqualTo(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.That((dpc.Ports[0].AddrSubnet, dpc.Ports[0].Gateway, dpc.Ports[0].LogicalLabel), Is.EqualTo(("10.9.0.5/24", "10.9.0.1", "up")));
        Assert.That(dpc.Ports[0].Proxy!.Servers.Single(), Is.EqualTo(new DpcProxyServer("http", "p", 8080)));
        Assert.That((dpc.Ports[1].Dhcp, dpc.Ports[1].IsMgmt), Is.EqualTo((true, false)));
    }

    [Test]
    public void LastResort_IsDhcpOnEveryEth_AndSortsLast()
    {
        var lr = DpcSources.LastResort(["lo", "eth1", "eth0", "wlan0"]);
        Assert.That(lr.Ports.Select(p => p.IfName), Is.EqualTo(new[] { "eth0", "eth1" }));
        var list = DpcOrdering.Insert(DpcOrdering.Insert([lr], new DevicePortConfig("zedagent", T0, [])), new DevicePortConfig("override", T0.AddDays(1), []));
        Assert.That(list.Select(d => d.Key), Is.EqualTo(new[] { "override", "zedagent", "lastresort" }));
    }

    [Test]
    public void Store_RoundTripsListAndIngestsFileOnce()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"eve-dpc-{Guid.NewGuid():N}");
        try
        {
            var config = Path.Combine(dir, "config");
            Directory.CreateDirectory(config);
            File.WriteAllText(Path.Combine(config, "override.json"), """{ "Ports": [ { "IfName": "eth0", "IsMgmt": true, "Dhcp": 4 } ] }""");
            var ingested = new Dictionary<string, string>();
            var first = DpcListStore.IngestFiles(config, ingested, T0);
            Assert.That(first.Single().Key, Is.EqualTo("override"));
            var store = new DpcListStore(Path.Combine(dir, "persist"));
            store.Save(new DpcListFile([first[0] with { LastError = "e" }], 0, ingested));
            var loaded = new DpcListStore(Path.Combine(dir, "persist")).Load();
            Assert.That(loaded.Dpcs.Single().SameConfigAs(first[0]), Is.True);
            Assert.That((loaded.CurrentIndex, loaded.Dpcs[0].LastError), Is.EqualTo((0, "e")));
            Assert.That(DpcListStore.IngestFiles(config, loaded.Ingested, T0), Is.Empty, "same content is not ingested twice");
            File.WriteAllText(Path.Combine(config, "override.json"), """{ "Ports": [ { "IfName": "eth1", "IsMgmt": true } ] }""");
            Assert.That(DpcListStore.IngestFiles(config, loaded.Ingested, T0).Single().Ports[0].IfName, Is.EqualTo("eth1"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
