using Eve.Appliance.Platform.Net;

namespace Eve.Appliance.Tests.Platform.Net;

[TestFixture]
public sealed class SysctlClientTests
{
    [Test]
    public async Task IpForward_IsSetPerNamespace()
    {
        await using var lab = new NetnsLab();
        var a = await lab.AddNetnsAsync("sya");
        var b = await lab.AddNetnsAsync("syb");
        var sysctl = new SysctlClient(lab.Runner);

        await sysctl.SetAsync("net.ipv4.ip_forward", "1", a, default);

        Assert.That(await sysctl.GetAsync("net.ipv4.ip_forward", a, default), Is.EqualTo("1"));
        Assert.That(await sysctl.GetAsync("net.ipv4.ip_forward", b, default), Is.EqualTo("0"));
    }
}
