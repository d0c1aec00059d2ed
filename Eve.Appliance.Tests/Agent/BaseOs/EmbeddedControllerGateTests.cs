using Eve.Appliance.Agent.BaseOs;
using Eve.Appliance.Tests.Support;

namespace Eve.Appliance.Tests.Agent.BaseOs;

/// <summary>The base-OS test window's "embedded controller answers" gate against the real
/// controller over TLS: it passes only when it trusts the controller's own CA.</summary>
[TestFixture]
public sealed class EmbeddedControllerGateTests
{
    [Test]
    public async Task Gate_TrustsTheControllersCa_AndRefusesAnotherCa_OrNoController()
    {
        using var dir = new TempDir("gate");
        await using var controller = await RunningController.StartAsync(dir.Sub("controller"));
        await using var other = await RunningController.StartAsync(dir.Sub("other"));
        var ours = Path.Combine(controller.BootstrapDir, "root-certificate.pem");
        var theirs = Path.Combine(other.BootstrapDir, "root-certificate.pem");

        Assert.That(await HealthGates.EmbeddedController(() => controller.Uri, ours).CheckAsync(CancellationToken.None), Is.Null);

        var wrongCa = await HealthGates.EmbeddedController(() => controller.Uri, theirs).CheckAsync(CancellationToken.None);
        TestContext.Out.WriteLine(wrongCa);
        Assert.That(wrongCa, Does.Contain("does not answer").And.Contain("/api/v2/edgedevice/certs"));

        Assert.That(await HealthGates.EmbeddedController(() => null, ours).CheckAsync(CancellationToken.None), Does.Contain("not listening"));
        var stopped = controller.Uri;
        await other.DisposeAsync();
        Assert.That(await HealthGates.EmbeddedController(() => other.Uri, theirs).CheckAsync(CancellationToken.None), Does.Contain("does not answer"));
        Assert.That(stopped, Is.Not.Null);
    }
}
