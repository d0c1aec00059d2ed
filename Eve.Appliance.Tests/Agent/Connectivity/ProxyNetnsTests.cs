using System.Net.Http;
using System.Text;
using Eve.Appliance.Agent.Connectivity;
using Eve.Appliance.Platform.Net;

namespace Eve.Appliance.Tests.Agent.Connectivity;

/// <summary>A controller reachable only through an HTTP proxy (tinyproxy in the upstream namespace; the
/// upstream drops direct traffic from the device to the controller): the DPC test fails without the
/// proxy and passes with it configured statically, as a PAC script, and found by WPAD; the agent's
/// controller client (<see cref="ControllerTransport"/>) goes through the proxy too.</summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class ProxyNetnsTests
{
    [Test]
    public async Task ControllerBehindProxy_DirectFails_StaticPacAndWpadWork_AgentClientUsesProxy()
    {
        await using var lab = await ConnectivityLab.StartAsync();
        var n = lab.N;
        var proxyAddr = await lab.StartTinyproxyAsync();
        // Direct device → controller traffic is dropped; tinyproxy (local in upstream) still reaches it.
        await lab.Net.ExecAsync(lab.Upstream, "nft", "add table inet conntest");
        await lab.Net.ExecAsync(lab.Upstream, "nft", "add chain inet conntest in { type filter hook input priority 0 ; policy accept ; }");
        await lab.Net.ExecAsync(lab.Upstream, "nft", $"add rule inet conntest in iifname \"up0\" ip daddr 10.96.{n}.1 drop");
        await lab.Net.StartHttpdAsync(lab.Upstream, proxyAddr, 80, "unused");
        // The controller by address: tinyproxy resolves names with the host's resolver, which knows no lab.test.
        var pac = $"function FindProxyForURL(url, host) {{ if (isInNet(host, '10.96.0.0', '255.255.0.0') && !isPlainHostName(host)) return 'PROXY {proxyAddr}:8888; DIRECT'; return 'DIRECT'; }}";
        var wwwRoot = Directory.GetDirectories(lab.Net.Dir, "www-*-80-*").Single();
        await File.WriteAllTextAsync(Path.Combine(wwwRoot, "wpad.dat"), pac);

        var controller = lab.Controller;
        var tester = lab.NewTester(controller);
        var applier = new NetnsDpcApplier(new IpLinkClient(lab.Net.Runner), lab.Net.Runner, lab.Device, Path.Combine(lab.Dir, "run"));
        try
        {
            var direct = Dpc(null);
            await applier.ApplyAsync(direct, default);
            var r = await TestFor(tester, direct, 6);
            Assert.That(r.Ok, Is.False, "the controller must not be reachable directly");
            Assert.That(r.Detail, Does.Contain($"controller 10.96.{n}.1:8080 unreachable"));

            var viaStatic = Dpc(new DpcProxy([new DpcProxyServer("http", proxyAddr, 8888)], "example.org", null, null));
            r = await TestFor(tester, viaStatic, 20);
            Assert.That(r.Ok, Is.True, r.Detail);
            Assert.That(r.Detail, Does.Contain($"via proxy {proxyAddr}:8888"));

            var viaPac = Dpc(new DpcProxy([], null, Convert.ToBase64String(Encoding.UTF8.GetBytes(pac)), null));
            r = await TestFor(tester, viaPac, 20);
            Assert.That(r.Ok, Is.True, r.Detail);
            Assert.That(r.Detail, Does.Contain("PAC (inline in the DPC)").And.Contain($"via proxy {proxyAddr}:8888"));

            var viaWpad = Dpc(new DpcProxy([], null, null, null, Wpad: true));
            r = await TestFor(tester, viaWpad, 20);
            Assert.That(r.Ok, Is.True, r.Detail);
            Assert.That(r.Detail, Does.Contain($"PAC from WPAD http://wpad.{ConnectivityLab.Domain}/wpad.dat"));

            // The agent's client: the transport's handler takes the port's proxy from the last test.
            var transport = new ControllerTransport(lab.Device, Path.Combine(lab.Dir, "run"), TimeProvider.System) { PortTimeout = TimeSpan.FromSeconds(3) };
            var handler = new SocketsHttpHandler();
            transport.Configure(handler);
            using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(20) };
            transport.Use(viaWpad, tester.Proxies);
            Assert.That(await http.GetStringAsync(new Uri(controller, "/api/v2/edgedevice/ping")), Is.EqualTo("pong"));
            transport.Use(direct, new Dictionary<string, PortProxy>());
            Assert.That(async () => await http.GetStringAsync(new Uri(controller, "/api/v2/edgedevice/ping?direct")),
                Throws.InstanceOf<HttpRequestException>().Or.InstanceOf<TaskCanceledException>());
        }
        finally
        {
            await applier.StopAsync(default);
        }
    }

    private static DevicePortConfig Dpc(DpcProxy? proxy) =>
        new("zedagent", DateTimeOffset.UtcNow, [new DpcPort("eth0", "uplink", true, 0, Dhcp: true, Proxy: proxy)]);

    private static async Task<ConnectivityResult> TestFor(NetnsConnectivityTester tester, DevicePortConfig dpc, int seconds)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        return await tester.TestAsync(dpc, cts.Token);
    }
}
