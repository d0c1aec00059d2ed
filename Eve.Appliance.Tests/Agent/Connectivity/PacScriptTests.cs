using Eve.Appliance.Agent.Connectivity;

namespace Eve.Appliance.Tests.Agent.Connectivity;

/// <summary>PAC scripts in Jint with the standard helpers; lookups come from the port (faked here).</summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class PacScriptTests
{
    private static PacScript Pac(string body) =>
        new($"function FindProxyForURL(url, host) {{ {body} }}",
            h => h switch { "ctl.lab.test" => "10.96.5.1", "intranet" => "192.168.1.7", _ => null },
            () => "10.98.5.101");

    [TestCase("return isPlainHostName(host) ? 'DIRECT' : 'PROXY p:1';", "http://intranet/x", "DIRECT")]
    [TestCase("return isPlainHostName(host) ? 'DIRECT' : 'PROXY p:1';", "http://a.b/x", "PROXY p:1")]
    [TestCase("return dnsDomainIs(host, '.lab.test') ? 'DIRECT' : 'PROXY p:1';", "https://ctl.lab.test/api", "DIRECT")]
    [TestCase("return dnsDomainIs(host, '.lab.test') ? 'DIRECT' : 'PROXY p:1';", "https://ctl.other.test/api", "PROXY p:1")]
    [TestCase("return localHostOrDomainIs(host, 'www.lab.test') ? 'DIRECT' : 'PROXY p:1';", "http://www/", "DIRECT")]
    [TestCase("return localHostOrDomainIs(host, 'www.lab.test') ? 'DIRECT' : 'PROXY p:1';", "http://www.lab.test/", "DIRECT")]
    [TestCase("return localHostOrDomainIs(host, 'www.lab.test') ? 'DIRECT' : 'PROXY p:1';", "http://wwwx.lab.test/", "PROXY p:1")]
    [TestCase("return isInNet(host, '10.96.0.0', '255.255.0.0') ? 'PROXY in:1' : 'DIRECT';", "https://ctl.lab.test/", "PROXY in:1")]
    [TestCase("return isInNet(host, '10.96.0.0', '255.255.0.0') ? 'PROXY in:1' : 'DIRECT';", "https://10.97.0.1/", "DIRECT")]
    [TestCase("return isInNet(myIpAddress(), '10.98.5.0', '255.255.255.0') ? 'PROXY me:1' : 'DIRECT';", "http://x.y/", "PROXY me:1")]
    [TestCase("return isResolvable(host) ? 'DIRECT' : 'PROXY p:1';", "http://nowhere.test/", "PROXY p:1")]
    [TestCase("return 'PROXY ' + dnsResolve(host) + ':3128';", "http://intranet/", "PROXY 192.168.1.7:3128")]
    [TestCase("return shExpMatch(url, '*/api/v2/*') ? 'PROXY api:1' : 'DIRECT';", "https://c.d/api/v2/edgedevice/ping", "PROXY api:1")]
    [TestCase("return shExpMatch(host, 'c?.d') ? 'PROXY q:1' : 'DIRECT';", "https://cx.d/", "PROXY q:1")]
    [TestCase("return shExpMatch(host, 'c?.d') ? 'PROXY q:1' : 'DIRECT';", "https://cxx.d/", "DIRECT")]
    [TestCase("return 'PROXY l:' + dnsDomainLevels(host);", "https://a.b.c/", "PROXY l:2")]
    [TestCase("return convert_addr('10.0.0.1') === 167772161 ? 'DIRECT' : 'PROXY bad:1';", "http://x/", "DIRECT")]
    [TestCase("return weekdayRange('SUN', 'SAT') && timeRange(0, 0, 23, 59) ? 'DIRECT' : 'PROXY bad:1';", "http://x/", "DIRECT")]
    public void StandardHelpers_AnswerAsBrowsersDo(string body, string url, string expected) =>
        Assert.That(Pac(body).FindProxyForUrl(new Uri(url)), Is.EqualTo(expected));

    [Test]
    public void Answer_IsParsedInOrder_SocksSkipped() =>
        Assert.That(PacScript.ParseAnswer("PROXY a:1; SOCKS s:2;DIRECT; HTTPS b:3"), Is.EqualTo(new string?[] { "a:1", null, "b:3" }));

    [Test]
    public void BrokenScripts_AreRefusedWithTheReason()
    {
        Assert.That(() => new PacScript("function FindProxyForURL(url, host) { return ", _ => null, () => "1.2.3.4"),
            Throws.InstanceOf<FormatException>().With.Message.Contains("does not run"));
        Assert.That(() => new PacScript("var x = 1;", _ => null, () => "1.2.3.4"),
            Throws.InstanceOf<FormatException>().With.Message.Contains("no FindProxyForURL"));
    }

    [Test]
    public void EndlessScript_IsStopped() =>
        Assert.That(() => Pac("while (true) {} ").FindProxyForUrl(new Uri("http://x/")),
            Throws.InstanceOf<FormatException>().With.Message.Contains("FindProxyForURL"));
}
