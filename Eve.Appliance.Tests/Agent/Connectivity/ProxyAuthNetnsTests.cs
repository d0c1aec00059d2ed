using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Agent.Connectivity;
using Eve.Appliance.Platform.Net;
using Eve.Appliance.Tests.Support;

namespace Eve.Appliance.Tests.Agent.Connectivity;

/// <summary>Proxy credentials and proxy CA certificates in namespaces: tinyproxy with <c>BasicAuth</c>
/// lets the port through with <c>user:password@</c> in the DPC's proxy server and answers 407 otherwise
/// (said in words); a controller whose TLS certificate comes from a "proxy CA" (what a TLS-intercepting
/// proxy presents) is refused unless the DPC's proxyCertPEM carries that CA, while a certificate from the
/// controller's own root is accepted as before.</summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class ProxyAuthNetnsTests
{
    [Test]
    public async Task ProxyWithBasicAuth_RightCredentialsPass_WrongOnesSay407()
    {
        await using var lab = await ConnectivityLab.StartAsync();
        var n = lab.N;
        var proxyAddr = await lab.StartTinyproxyAsync("BasicAuth alice s3cret\n");
        var runDir = Path.Combine(lab.Dir, "run");
        var applier = new NetnsDpcApplier(new IpLinkClient(lab.Net.Runner), lab.Net.Runner, lab.Device, runDir);
        var tester = lab.NewTester();
        try
        {
            var right = Dpc(new DpcProxy([new DpcProxyServer("http", $"alice:s3cret@{proxyAddr}", 8888)], null, null, null));
            await applier.ApplyAsync(right, default);
            var r = await TestFor(tester, right, 30);
            Assert.That(r.Ok, Is.True, r.Detail);
            Assert.That(r.Detail, Does.Contain($"via proxy {proxyAddr}:8888").And.Contain("alice:***@").And.Not.Contain("s3cr"));

            // The agent's client through the transport: Proxy-Authorization from the DPC.
            var transport = new ControllerTransport(lab.Device, runDir, TimeProvider.System) { PortTimeout = TimeSpan.FromSeconds(3) };
            var handler = new SocketsHttpHandler();
            transport.Configure(handler);
            using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(20) };
            transport.Use(right, tester.Proxies);
            Assert.That(await http.GetStringAsync(new Uri(lab.Controller, "/api/v2/edgedevice/ping")), Is.EqualTo("pong"));

            var wrong = Dpc(new DpcProxy([new DpcProxyServer("http", $"alice:guess@{proxyAddr}", 8888)], null, null, null));
            r = await TestFor(tester, wrong, 6);
            Assert.That(r.Ok, Is.False);
            Assert.That(r.Detail, Does.Contain("407 Proxy Authentication Required").And.Contain("user and password are missing or wrong"));
            var none = Dpc(new DpcProxy([new DpcProxyServer("http", proxyAddr, 8888)], null, null, null));
            r = await TestFor(tester, none, 6);
            Assert.That(r.Detail, Does.Contain("407 Proxy Authentication Required"));
        }
        finally
        {
            await applier.StopAsync(default);
        }
    }

    [Test]
    public async Task ControllerCertFromProxyCa_RefusedWithoutProxyCertPem_AcceptedWithIt_OwnRootStillTrusted()
    {
        await using var lab = await ConnectivityLab.StartAsync();
        var n = lab.N;
        using var proxyCa = TlsPingServer.NewCa("intercepting-proxy-ca");
        using var controllerRoot = TlsPingServer.NewCa("controller-root");
        using var intercepted = TlsPingServer.NewLeaf(proxyCa, lab.ControllerName);
        using var genuine = TlsPingServer.NewLeaf(controllerRoot, lab.ControllerName);
        await using var server = TlsPingServer.Start(lab.Upstream, new IPEndPoint(IPAddress.Parse($"10.96.{n}.1"), 8443), intercepted);
        var url = new Uri($"https://{lab.ControllerName}:8443/api/v2/edgedevice/ping");
        var runDir = Path.Combine(lab.Dir, "run");
        var applier = new NetnsDpcApplier(new IpLinkClient(lab.Net.Runner), lab.Net.Runner, lab.Device, runDir);
        var roots = new X509Certificate2Collection(X509CertificateLoader.LoadCertificate(controllerRoot.RawData));
        var proxyCaPem = proxyCa.ExportCertificatePem();
        var withoutCa = Dpc(null);
        var withCa = Dpc(new DpcProxy([], null, null, null, CertPems: [proxyCaPem]));
        try
        {
            await applier.ApplyAsync(withoutCa, default);
            await Eventually.WaitAsync(() => PortLease.DnsServers(runDir, withoutCa.Ports[0]).Count > 0, "a DHCP lease with DNS on eth0");
            var dns = PortLease.DnsServers(runDir, withoutCa.Ports[0]);

            // The port test's HTTP client, with the controller's roots as TLS trust.
            using (var plain = PortHttp.Create(lab.Device, withoutCa.Ports[0], dns, TimeSpan.FromSeconds(3), PortProxy.Direct, roots))
            {
                var e = Assert.ThrowsAsync<HttpRequestException>(async () => await plain.GetStringAsync(url));
                Assert.That(PortHttp.Describe(e!), Does.Contain("TLS failed").And.Contain("proxy certificates"));
            }
            var proxy = new PortProxy(withCa.Ports[0].Proxy, null, "direct (with proxy CA certificates)");
            using (var trusting = PortHttp.Create(lab.Device, withCa.Ports[0], dns, TimeSpan.FromSeconds(3), proxy, roots))
                Assert.That(await trusting.GetStringAsync(url), Is.EqualTo("pong"));

            // The agent's controller client: its own validation (the controller's roots) stays, the
            // transport adds the proxy CA of the DPC in use and nothing else.
            var transport = new ControllerTransport(lab.Device, runDir, TimeProvider.System) { PortTimeout = TimeSpan.FromSeconds(3) };
            var handler = new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.Zero,
                SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, cert, _, errors) => PortHttp.ChainsTo(cert, errors, roots) },
            };
            transport.Configure(handler);
            using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(20) };
            transport.Use(withoutCa, new Dictionary<string, PortProxy>());
            Assert.That(async () => await http.GetStringAsync(url), Throws.InstanceOf<HttpRequestException>(), "proxy CA not in the DPC: refused");
            transport.Use(withCa, new Dictionary<string, PortProxy> { ["eth0"] = proxy });
            Assert.That(await http.GetStringAsync(url), Is.EqualTo("pong"), "proxy CA from the DPC's proxyCertPEM: accepted");
            server.Certificate = genuine;
            transport.Use(withoutCa, new Dictionary<string, PortProxy>());
            Assert.That(await http.GetStringAsync(url), Is.EqualTo("pong"), "the controller's own root, no proxy CA: accepted as before");
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
