using Eve.Appliance.Platform.Net;

namespace Eve.Appliance.Tests.Platform.Net;

[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class IpLinkClientTests
{
    [Test]
    public async Task BridgeVethTap_AreCreatedInTheNamespace_AndReadBack()
    {
        await using var lab = new NetnsLab();
        var ns = await lab.AddNetnsAsync("ipl");
        var peerNs = await lab.AddNetnsAsync("iplp");
        var ip = new IpLinkClient(lab.Runner);
        var n = NetnsLab.UniqueOctet();

        await ip.AddBridgeAsync("br-t", ns, default);
        await ip.AddAddressAsync("br-t", $"10.99.{n}.1/24", ns, default);
        await ip.SetMtuAsync("br-t", 1400, ns, default);
        await ip.SetUpAsync("br-t", true, ns, default);
        await ip.AddVethAsync("vt0", "eth0", ns, peerNs, default);
        await ip.SetMasterAsync("vt0", "br-t", ns, default);
        await ip.SetMacAsync("eth0", "02:00:00:00:00:42", peerNs, default);
        await ip.AddTapAsync("tap-t", ns, default);

        var links = (await ip.ListLinksAsync(ns, default)).ToDictionary(l => l.Name);
        Assert.That(links["br-t"].Kind, Is.EqualTo("bridge"));
        Assert.That(links["br-t"].Addresses, Does.Contain($"10.99.{n}.1/24"));
        Assert.That(links["br-t"].Mtu, Is.EqualTo(1400));
        Assert.That(links["br-t"].IsUp, Is.True);
        Assert.That(links["vt0"].Kind, Is.EqualTo("veth"));
        Assert.That(links["vt0"].Master, Is.EqualTo("br-t"));
        Assert.That(links["tap-t"].Kind, Is.EqualTo("tun"));
        Assert.That((await ip.GetLinkAsync("eth0", peerNs, default))!.Mac, Is.EqualTo("02:00:00:00:00:42"));
        Assert.That(await ip.GetLinkAsync("eth0", ns, default), Is.Null, "the peer lives only in the other namespace");

        await ip.SetMasterAsync("vt0", null, ns, default);
        Assert.That((await ip.GetLinkAsync("vt0", ns, default))!.Master, Is.Null);
    }

    [Test]
    public async Task Delete_ReturnsFalseWhenAbsent_AndVethTakesItsPeer()
    {
        await using var lab = new NetnsLab();
        var ns = await lab.AddNetnsAsync("ipd");
        var peerNs = await lab.AddNetnsAsync("ipdp");
        var ip = new IpLinkClient(lab.Runner);
        await ip.AddVethAsync("vd0", "eth0", ns, peerNs, default);

        Assert.That(await ip.DeleteLinkAsync("vd0", ns, default), Is.True);
        Assert.That(await ip.DeleteLinkAsync("vd0", ns, default), Is.False);
        Assert.That(await ip.GetLinkAsync("eth0", peerNs, default), Is.Null);
    }

    [Test]
    public async Task Routes_ReplaceIsRepeatable_AndReadBack()
    {
        await using var lab = new NetnsLab();
        var ns = await lab.AddNetnsAsync("ipr");
        var other = await lab.AddNetnsAsync("iprp");
        var n = NetnsLab.UniqueOctet();
        await lab.LinkAsync(ns, "e0", $"10.98.{n}.2/24", other, "e1", $"10.98.{n}.1/24");
        var ip = new IpLinkClient(lab.Runner);

        await ip.ReplaceRouteAsync("default", $"10.98.{n}.1", null, ns, default);
        await ip.ReplaceRouteAsync("default", $"10.98.{n}.1", null, ns, default);

        var routes = await ip.ListRoutesAsync(ns, default);
        Assert.That(routes.Single(r => r.Destination == "default").Gateway, Is.EqualTo($"10.98.{n}.1"));
        Assert.That(await ip.DeleteRouteAsync("default", ns, default), Is.True);
        Assert.That(await ip.DeleteRouteAsync("default", ns, default), Is.False);
    }
}
