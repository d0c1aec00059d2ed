using Eve.Appliance.Agent.Networks;
using Org.Lfedge.Eve.Config;
using static Eve.Appliance.Tests.Agent.Networks.NetworkConfigs;

namespace Eve.Appliance.Tests.Agent.Networks;

[TestFixture]
public sealed class AclWordsTests
{
    [Test]
    public void OutboundAllow_ReadsAsASentence_WithTheImplicitDropSpelledOut()
    {
        var ace = Ace("", null, ("ip", "10.1.0.0/16"), ("protocol", "tcp"), ("fport", "443"));
        ace.Dir = ACEDirection.Egress;

        Assert.That(AclWords.Describe([ace]), Is.EqualTo("allow tcp to 10.1.0.0/16 port 443; drop rest"));
    }

    [Test]
    public void EachActionKind_InConfigOrder()
    {
        var acl = new[]
        {
            Ace("no-dns", new ACEAction { Drop = true }, ("ip", "10.98.1.3")),
            Ace("web", null, ("host", "example.com"), ("protocol", "tcp"), ("fport", "80")),
            Ace("ssh", new ACEAction { Portmap = true, AppPort = 22 }, ("protocol", "tcp"), ("lport", "2222")),
            Ace("ping", new ACEAction { Limit = true, Limitrate = 10, Limitunit = "s", Limitburst = 30 }, ("protocol", "icmp")),
        };

        Assert.That(AclWords.Describe(acl), Is.EqualTo(
            "drop all to/from 10.98.1.3 [no-dns]; " +
            "allow tcp to/from example.com and its subdomains port 80 [web]; " +
            "forward device tcp port 2222 to app port 22 [ssh]; " +
            "limit icmp at 10/s burst 30, drop the excess [ping]; drop rest"));
    }

    [Test]
    public void NoAces_OnlyTheImplicitServices()
    {
        Assert.That(AclWords.Describe([]), Does.StartWith("drop all (no ACEs"));
    }

    [Test]
    public void UnsupportedMatch_SaysTheAceIsNotApplied()
    {
        Assert.That(AclWords.Describe(Ace("x", null, ("eidset", ""))), Does.Contain("not applied: match eidset= is not supported"));
    }
}
