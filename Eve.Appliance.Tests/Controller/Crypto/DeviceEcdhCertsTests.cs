using Eve.Appliance.Agent.Identity;
using Eve.Appliance.Controller.Crypto;
using Eve.Appliance.Tests.Agent.Identity;
using Eve.Appliance.Tests.Support;

namespace Eve.Appliance.Tests.Controller.Crypto;

/// <summary>The controller only encrypts for an ECDH cert the registered device cert signed.</summary>
[TestFixture]
public sealed class DeviceEcdhCertsTests
{
    [Test]
    public void EcdhCertSignedByTheDevice_IsAccepted_AndOneFromAnotherDeviceIsNot()
    {
        using var dir = new TempDir("ecdh-cert");
        var time = new FixedTimeProvider(DateTimeOffset.UtcNow);
        using var device = SoftwareDeviceKey.LoadOrCreate(dir.Sub("a"), "SN-a", time);
        using var other = SoftwareDeviceKey.LoadOrCreate(dir.Sub("b"), "SN-b", time);
        var devicePem = device.Certificate.ExportCertificatePem();

        Assert.That(DeviceEcdhCerts.Problem(device.EcdhCertificate.ExportCertificatePem(), devicePem), Is.Null);
        Assert.That(DeviceEcdhCerts.Problem(other.EcdhCertificate.ExportCertificatePem(), devicePem), Does.Contain("not a certificate signed by the device cert"));
    }
}
