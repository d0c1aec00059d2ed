using Eve.Appliance.Agent.Connectivity;

namespace Eve.Appliance.Tests.Agent.Connectivity;

/// <summary>EVE's proxy server field may carry <c>user:password@</c> (and a scheme): taken apart for
/// Proxy-Authorization, shown without the password.</summary>
[TestFixture]
public sealed class DpcProxyServerTests
{
    [TestCase("10.1.2.1", "10.1.2.1", null, null, "10.1.2.1:3128")]
    [TestCase("alice:s3%25cret@10.1.2.1", "10.1.2.1", "alice", "s3%cret", "alice:***@10.1.2.1:3128")]
    [TestCase("http://bob:pw@proxy.lan/", "proxy.lan", "bob", "pw", "bob:***@proxy.lan:3128")]
    [TestCase("carol@proxy.lan", "proxy.lan", "carol", "", "carol:***@proxy.lan:3128")]
    public void ServerWithCredentials_IsTakenApart(string server, string host, string? user, string? password, string display)
    {
        var s = new DpcProxyServer("http", server, 3128);
        Assert.That(s.Host, Is.EqualTo(host));
        Assert.That(s.Credentials?.UserName, Is.EqualTo(user));
        Assert.That(s.Credentials?.Password, Is.EqualTo(password));
        Assert.That(s.Display, Is.EqualTo(display));
    }

    [Test]
    public void PortProxy_AnswersTheProxysChallengeWithItsEntry_AndRoutesToTheHostWithoutCredentials()
    {
        var proxy = new PortProxy(new DpcProxy([new DpcProxyServer("http", "alice:pw@10.1.2.1", 3128)], null, null, null), null, "test");
        var via = proxy.ProxyFor(new Uri("https://ctl.example/api"));
        Assert.That(via, Is.EqualTo(new Uri("http://10.1.2.1:3128")));
        Assert.That(proxy.Credentials.GetCredential(via!, "Basic")?.Password, Is.EqualTo("pw"));
        Assert.That(proxy.Credentials.GetCredential(new Uri("http://10.9.9.9:3128"), "Basic"), Is.Null, "another proxy gets nothing");
    }
}
