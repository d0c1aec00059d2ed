using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Agent.Identity;
using Eve.Appliance.Tests.Support;
using Google.Protobuf;
using Org.Lfedge.Eve.Config;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Tests.Controller;

/// <summary>API v1 for older devices: raw protobuf, identity from the TLS client certificate.</summary>
[TestFixture]
public sealed class DeviceApiV1Tests
{
    [Test]
    public async Task V1Device_RegistersWithOnboardCert_ThenPollsConfigAndPostsInfo_WithItsDeviceCert()
    {
        using var dir = new TempDir("v1");
        await using var controller = await RunningController.StartAsync(dir.Sub("data"));
        var boot = controller.BootstrapDir;
        var onboard = X509Certificate2.CreateFromPemFile(Path.Combine(boot, "onboard.cert.pem"), Path.Combine(boot, "onboard.key.pem"));
        onboard = X509CertificateLoader.LoadPkcs12(onboard.Export(X509ContentType.Pkcs12), null);

        using var deviceKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var deviceCertPublic = DeviceCertificateBuilder.SelfSigned(deviceKey, "v1-device");
        var deviceCert = X509CertificateLoader.LoadPkcs12(deviceCertPublic.CopyWithPrivateKey(deviceKey).Export(X509ContentType.Pkcs12), null);

        using (var asOnboard = new TestDevice(controller.Uri, boot, "SN-v1", onboard))
        {
            var msg = new Org.Lfedge.Eve.Register.ZRegisterMsg
            {
                PemCert = ByteString.CopyFromUtf8(Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(deviceCert.ExportCertificatePem()))),
                Serial = "SN-v1",
            };
            var r = await asOnboard.PostAsync("/api/v1/edgedevice/register", msg.ToByteArray());
            Assert.That(r.Status, Is.EqualTo(HttpStatusCode.Created));
        }

        using var asDevice = new TestDevice(controller.Uri, boot, "SN-v1", deviceCert);
        var config = await asDevice.SendAsync(HttpMethod.Get, "/api/v1/edgedevice/config", null);
        Assert.That(config.Status, Is.EqualTo(HttpStatusCode.OK));
        var edc = EdgeDevConfig.Parser.ParseFrom(config.Body); // raw EdgeDevConfig, not ConfigResponse
        Assert.That(Guid.TryParse(edc.Id.Uuid, out _), Is.True);

        var post = await asDevice.PostAsync("/api/v1/edgedevice/config", new ConfigRequest().ToByteArray());
        var resp = ConfigResponse.Parser.ParseFrom(post.Body);
        var unchanged = await asDevice.PostAsync("/api/v1/edgedevice/config", new ConfigRequest { ConfigHash = resp.ConfigHash }.ToByteArray());
        Assert.That(unchanged.Status, Is.EqualTo(HttpStatusCode.NotModified));

        var info = await asDevice.PostAsync("/api/v1/edgedevice/info", new ZInfoMsg { Ztype = ZInfoTypes.ZiDevice, DevId = edc.Id.Uuid }.ToByteArray());
        Assert.That(info.Status, Is.EqualTo(HttpStatusCode.Created));
    }

    [Test]
    public async Task V1_WithoutClientCert_Is401_WithUnknownCert_Is401()
    {
        using var dir = new TempDir("v1");
        await using var controller = await RunningController.StartAsync(dir.Sub("data"));
        using var noCert = new TestDevice(controller.Uri, controller.BootstrapDir, "x");
        Assert.That((await noCert.SendAsync(HttpMethod.Get, "/api/v1/edgedevice/config", null)).Status, Is.EqualTo(HttpStatusCode.Unauthorized));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var pub = DeviceCertificateBuilder.SelfSigned(key, "stranger");
        var stranger = X509CertificateLoader.LoadPkcs12(pub.CopyWithPrivateKey(key).Export(X509ContentType.Pkcs12), null);
        using var unknown = new TestDevice(controller.Uri, controller.BootstrapDir, "x", stranger);
        Assert.That((await unknown.SendAsync(HttpMethod.Get, "/api/v1/edgedevice/config", null)).Status, Is.EqualTo(HttpStatusCode.Unauthorized));
    }
}
