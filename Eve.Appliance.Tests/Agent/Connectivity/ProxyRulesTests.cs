using System.Text;
using Eve.Appliance.Agent.Connectivity;

namespace Eve.Appliance.Tests.Agent.Connectivity;

/// <summary>Static proxies with EVE's exceptions, WPAD search order, inline PAC decoding, port timers.</summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class ProxyRulesTests
{
    [TestCase("lab.test", "https://ctl.lab.test/", true)]
    [TestCase("lab.test", "https://lab.test/", true)]
    [TestCase(".lab.test", "https://lab.test/", false)]
    [TestCase(".lab.test", "https://a.lab.test/", true)]
    [TestCase("lab.test", "https://notlab.test/", false)]
    [TestCase("10.96.0.0/16, other", "https://10.96.3.1:8443/", true)]
    [TestCase("10.96.3.1", "https://10.96.3.1:8443/", true)]
    [TestCase("ctl.lab.test:8443", "https://ctl.lab.test:8443/", true)]
    [TestCase("ctl.lab.test:8443", "https://ctl.lab.test/", false)]
    [TestCase("*", "https://anything/", true)]
    [TestCase("", "https://anything/", false)]
    public void Exceptions_FollowNoProxyRules(string exceptions, string url, bool bypass) =>
        Assert.That(ProxyExceptions.Matches(exceptions, new Uri(url)), Is.EqualTo(bypass));

    [Test]
    public void StaticProxy_PicksByScheme_FallsBackToHttp_HonoursExceptions()
    {
        var proxy = new PortProxy(new DpcProxy([new DpcProxyServer("http", "10.1.2.1", 3128)], "lab.test", null, null), null, "x");
        Assert.That(proxy.ProxyFor(new Uri("https://ctl.example/")), Is.EqualTo(new Uri("http://10.1.2.1:3128")));
        Assert.That(proxy.ProxyFor(new Uri("https://ctl.lab.test/")), Is.Null);
        var both = new PortProxy(new DpcProxy([new DpcProxyServer("http", "h", 1), new DpcProxyServer("https", "s", 2)], null, null, null), null, "x");
        Assert.That(both.ProxyFor(new Uri("https://c/")), Is.EqualTo(new Uri("http://s:2")));
        Assert.That(both.ProxyFor(new Uri("http://c/")), Is.EqualTo(new Uri("http://h:1")));
        Assert.That(PortProxy.Direct.ProxyFor(new Uri("https://c/")), Is.Null);
    }

    [Test]
    public void Wpad_TriesOption252ThenEachDomainLevel_DownToTwoLabels() =>
        Assert.That(ProxyLoader.WpadCandidates("http://10.1.1.1/proxy.pac", "plant.corp.example").Select(u => u.ToString()), Is.EqualTo(new[]
        {
            "http://10.1.1.1/proxy.pac", "http://wpad.plant.corp.example/wpad.dat", "http://wpad.corp.example/wpad.dat",
        }));

    [Test]
    public void InlinePac_IsTakenBase64OrPlain()
    {
        const string script = "function FindProxyForURL(u, h) { return 'DIRECT'; }";
        Assert.That(ProxyLoader.DecodePac(Convert.ToBase64String(Encoding.UTF8.GetBytes(script))), Is.EqualTo(script));
        Assert.That(ProxyLoader.DecodePac(script), Is.EqualTo(script));
    }

    [Test]
    public void PortTimers_ComeFromConfigItems_BadValuesKeepDefaults()
    {
        var items = new Dictionary<string, string>
        {
            ["timer.port.testduration"] = "12", ["timer.port.testinterval"] = "60", ["timer.port.timeout"] = "3",
            ["timer.port.testbetterinterval"] = "0",
        };
        var t = new DpcTimers().WithConfigItems(k => items.GetValueOrDefault(k));
        Assert.That((t.TestDuration, t.TestInterval, t.PortTimeout, t.TestBetterInterval),
            Is.EqualTo((TimeSpan.FromSeconds(12), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(3), TimeSpan.Zero)));
        var bad = new DpcTimers().WithConfigItems(k => k == "timer.port.testduration" ? "soon" : null);
        Assert.That(bad, Is.EqualTo(new DpcTimers()));
    }

    [Test]
    public void Transport_TriesCheapestFirst_RotatesEqualCost_MovesFailedPortsBack()
    {
        var transport = new ControllerTransport("unused", "/nonexistent", TimeProvider.System);
        transport.Use(new DevicePortConfig("zedagent", DateTimeOffset.UnixEpoch,
        [
            new DpcPort("eth0", "a", true, 0, true), new DpcPort("eth1", "b", true, 0, true),
            new DpcPort("wwan0", "c", true, 10, true), new DpcPort("eth9", "apps", false, 0, true),
        ]), new Dictionary<string, PortProxy>());
        var firsts = Enumerable.Range(0, 4).Select(_ => transport.OrderedPorts().Select(p => p.IfName).ToList()).ToList();
        Assert.That(firsts.Select(f => f[0]).Distinct().Order(), Is.EqualTo(new[] { "eth0", "eth1" }), "equal-cost ports share the load");
        Assert.That(firsts.All(f => f[2] == "wwan0" && f.Count == 3), Is.True, "the costly port last, app-only ports never");
        transport.MarkFailed("eth0");
        Assert.That(Enumerable.Range(0, 3).Select(_ => transport.OrderedPorts()[0].IfName), Is.All.EqualTo("eth1"));
        Assert.That(transport.OrderedPorts().Last().IfName, Is.EqualTo("eth0"), "a failed port goes behind even the costly one");
        transport.MarkWorking("eth0");
        Assert.That(Enumerable.Range(0, 4).Select(_ => transport.OrderedPorts()[0].IfName).Distinct().Count(), Is.EqualTo(2));
    }
}
