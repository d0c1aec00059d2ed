using Eve.Appliance.Agent.Apps;
using Eve.Appliance.Agent.Networks;
using Eve.Appliance.Platform.Qemu;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Tests.Agent.Networks;

[TestFixture]
public sealed class BridgeAttachmentTests
{
    private static readonly Guid App = Guid.Parse("a0000001-0000-4000-8000-000000000001");
    private static readonly AppInterfaceIntent Eth0 = new("eth0", "1d1d0000-0000-4000-8000-00000000000d", "");

    private static AppNicState Nic(bool ready, string? ip = null) => new(App, 0, "eth0", Eth0.NetworkId, ZNetworkInstType.ZnetInstLocal,
        NetworkNames.Vif(App.ToString(), 0), NetworkNames.GeneratedMac(App.ToString(), 0), ready, "10.99.5.1", ip);

    [Test]
    public async Task Attach_WaitsForTheTapOnTheBridge_ThenHandsOverItsNameAndMac()
    {
        var attachment = new BridgeAttachment("eve-dev-x");
        var attach = attachment.AttachAsync(App, 0, Eth0, default).AsTask();
        attachment.Update([Nic(ready: false)]);
        Assert.That(attach.IsCompleted, Is.False, "the tap exists but is not on its bridge yet");

        attachment.Update([Nic(ready: true)]);
        var nic = await attach.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(nic, Is.EqualTo(QemuNic.Tap(NetworkNames.Vif(App.ToString(), 0), NetworkNames.GeneratedMac(App.ToString(), 0))));
        Assert.That(((IAppNetworkAttachment)attachment).Netns, Is.EqualTo("eve-dev-x"));
    }

    [Test]
    public async Task Attach_GivesUpWithNull_WhenTheNetworkNeverComes()
    {
        var attachment = new BridgeAttachment(null, TimeSpan.FromMilliseconds(200));

        Assert.That(await attachment.AttachAsync(App, 0, Eth0, default), Is.Null);
    }

    [Test]
    public async Task StatusReportsTheLeasedAddress_AndAnnouncesTheChange()
    {
        var attachment = new BridgeAttachment(null);
        attachment.Update([Nic(ready: true)]);
        Assert.That(await attachment.Changes.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5)), Is.EqualTo(App));

        attachment.Update([Nic(ready: true, ip: "10.99.5.20")]);

        Assert.That(await attachment.Changes.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5)), Is.EqualTo(App));
        var status = attachment.Status(App).Single();
        Assert.That((status.MacAddr, status.LocalName, status.DevName, status.Ipv4Up), Is.EqualTo(
            (NetworkNames.GeneratedMac(App.ToString(), 0), NetworkNames.Vif(App.ToString(), 0), "eth0", true)));
        Assert.That(status.IPAddrs, Is.EqualTo(new[] { "10.99.5.20" }));
        Assert.That(status.DefaultRouters, Is.EqualTo(new[] { "10.99.5.1" }));
    }
}
