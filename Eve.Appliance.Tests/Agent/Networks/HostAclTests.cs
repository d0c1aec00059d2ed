using Eve.Appliance.Agent.Networks;
using Eve.Appliance.Platform.Net;
using Eve.Appliance.Tests.Platform.Net;
using static Eve.Appliance.Tests.Agent.Networks.NetworkConfigs;

namespace Eve.Appliance.Tests.Agent.Networks;

[TestFixture]
public sealed class HostAclTests
{
    private const string Ni = "1d1d0000-0000-4000-8000-00000000000d";
    private const string App = "a0000004-0000-4000-8000-000000000004";

    [Test]
    public async Task HostAce_AllowsAddressesOnlyOnceTheInstanceDnsResolvedThem()
    {
        await using var nat = await NatLab.CreateAsync();
        var n = NetnsLab.UniqueOctet();
        var other = $"10.98.{nat.Octet}.3";
        await nat.Lab.ExecAsync(nat.Upstream, "ip", "addr", "add", $"{other}/24", "dev", "up0");
        await nat.Lab.StartHttpdAsync(nat.Upstream, nat.UpstreamIp, 8080, "svc");
        await nat.Lab.StartHttpdAsync(nat.Upstream, other, 8080, "not svc");
        // The upstream's DNS server knows svc.example.test; the instance's dnsmasq forwards to it.
        var upstreamDns = new DnsmasqSupervisor(nat.Lab.Runner, Path.Combine(nat.Lab.Dir, "dnsrun"));
        try
        {
            await upstreamDns.EnsureRunningAsync(new DnsmasqConfig("updns", "up0", nat.UpstreamIp, $"10.98.{nat.Octet}.200",
                $"10.98.{nat.Octet}.210", "255.255.255.0", TimeSpan.FromHours(1), null, [], [], null, [],
                [new DnsHostRecord("svc.example.test", nat.UpstreamIp)], []), nat.Upstream, default);
            var app = await nat.AddAppAsync("host");
            var acl = Ace("svc", null, ("host", "example.test"));
            var args = new NetworksArgs([Local(Ni, $"10.99.{n}.0/24", "eth0")], [Nic(App, "host", Ni, [acl], app)],
                [nat.Eth0 with { DnsServers = [nat.UpstreamIp] }]);

            var status = await nat.NewReconciler().ReconcileAsync(args, default);
            await nat.Lab.DhcpAsync(app, "eth0");

            Assert.That(status.Instance(Ni).Errors, Is.Empty);
            Assert.That(await nat.Lab.HttpGetAsync(app, $"http://{nat.UpstreamIp}:8080/index.html"), Is.Null,
                "before the name is resolved, its address is not in the set");
            var lookup = await nat.Lab.ExecAsync(app, "busybox", "nslookup", "-type=a", "svc.example.test", $"10.99.{n}.1");
            Assert.That(lookup.Stdout, Does.Contain(nat.UpstreamIp));
            Assert.That(await nat.Lab.HttpGetAsync(app, $"http://{nat.UpstreamIp}:8080/index.html"), Is.EqualTo("svc"));
            Assert.That(await nat.Lab.HttpGetAsync(app, $"http://{other}:8080/index.html"), Is.Null);
        }
        finally
        {
            await upstreamDns.StopAsync("updns", default);
        }
    }
}
