using System.Net;
using Eve.Appliance.Store;
using Eve.Appliance.Tests.Support;
using Google.Protobuf;
using Org.Lfedge.Eve.Auth;
using Org.Lfedge.Eve.Config;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Tests.Controller;

/// <summary>The v2 device API over real HTTPS: status codes as APIv2.md gives them, and every bad
/// input refused with a clear answer and no change to what is stored.</summary>
[TestFixture]
[Parallelizable(ParallelScope.Self)]
public sealed class DeviceApiV2Tests
{
    private TempDir _dir = null!;
    private RunningController _controller = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _dir = new TempDir("ctl-v2");
        _controller = await RunningController.StartAsync(_dir.Sub("data"));
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _controller.DisposeAsync();
        _dir.Dispose();
    }

    private TestDevice NewDevice() => new(_controller.Uri, _controller.BootstrapDir, "SN-" + Guid.NewGuid().ToString("N")[..10]);

    [Test]
    public async Task Register_New_Is201_Repeat_Is200_WithProtoContentType()
    {
        using var d = NewDevice();
        var first = await d.PostAsync("/api/v2/edgedevice/register", d.RegisterEnvelope(d.RegisterMsg()));
        Assert.That(first.Status, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(first.Response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/x-proto-binary"));
        var again = await d.PostAsync("/api/v2/edgedevice/register", d.RegisterEnvelope(d.RegisterMsg()));
        Assert.That(again.Status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(again.Response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/x-proto-binary"));
    }

    [Test]
    public async Task Register_SameSerialDifferentCert_Is409()
    {
        using var a = NewDevice();
        await a.OnboardAsync();
        using var b = new TestDevice(_controller.Uri, _controller.BootstrapDir, a.Serial);
        var r = await b.PostAsync("/api/v2/edgedevice/register", b.RegisterEnvelope(b.RegisterMsg()));
        Assert.That(r.Status, Is.EqualTo(HttpStatusCode.Conflict));
    }

    [Test]
    public async Task Register_UnknownOnboardingCert_Is403_AndStoresNothing()
    {
        using var other = new TempDir("other-pki");
        Eve.Appliance.Controller.Pki.PkiInitializer.Init(other.Path, "elsewhere");
        Eve.Appliance.Controller.Pki.PkiInitializer.WriteBootstrap(other.Path, other.Sub("boot"), "x:1");
        using var d = new TestDevice(_controller.Uri, other.Sub("boot"), "SN-foreign");
        // The foreign bootstrap's root does not match the controller's TLS cert, so talk through a
        // device that trusts our controller but signs with the foreign onboarding key.
        using var trusted = NewDevice();
        var envelope = d.RegisterEnvelope(d.RegisterMsg());
        var before = await CountDevicesAsync();
        var r = await trusted.PostAsync("/api/v2/edgedevice/register", envelope);
        Assert.That(r.Status, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(System.Text.Encoding.UTF8.GetString(r.Body), Does.Contain("not known"));
        Assert.That(await CountDevicesAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task Malformed_Body_Is400_NotACrash()
    {
        using var d = NewDevice();
        var garbage = new byte[] { 0x0a, 0xff, 0xff, 0xff, 0x01, 0x02 };
        foreach (var path in new[] { "/api/v2/edgedevice/register", "/api/v2/edgedevice/uuid", "/api/v2/edgedevice/config", "/api/v2/edgedevice/id/00000000-0000-0000-0000-000000000000/info" })
        {
            var r = await d.PostAsync(path, garbage);
            Assert.That(r.Status, Is.EqualTo(HttpStatusCode.BadRequest), path);
        }
        // A valid envelope around a payload that is not the expected message.
        await d.OnboardAsync();
        var r2 = await d.PostAsync($"/api/v2/edgedevice/id/{d.Id}/info", AuthWith(d, [0x08, 0x80])); // truncated varint
        Assert.That(r2.Status, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    private static byte[] AuthWith(TestDevice d, byte[] payload) =>
        Eve.Appliance.Api.Envelope.AuthContainers.Seal(payload, d.Signer).ToByteArray();

    [Test]
    public async Task BadSignature_Is401_UnknownSender_Is401()
    {
        using var d = NewDevice();
        await d.OnboardAsync();
        var container = AuthContainer.Parser.ParseFrom(d.Envelope(new ConfigRequest()));
        var sig = container.SignatureHash.ToByteArray();
        sig[5] ^= 0x40;
        container.SignatureHash = ByteString.CopyFrom(sig);
        var bad = await d.PostAsync($"/api/v2/edgedevice/id/{d.Id}/config", container.ToByteArray());
        Assert.That(bad.Status, Is.EqualTo(HttpStatusCode.Unauthorized));

        using var stranger = NewDevice(); // never registered
        var unknown = await stranger.PostAsync("/api/v2/edgedevice/config", stranger.Envelope(new ConfigRequest()));
        Assert.That(unknown.Status, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task PathUuid_MustNameTheSigner()
    {
        using var a = NewDevice();
        await a.OnboardAsync();
        using var b = NewDevice();
        await b.OnboardAsync();
        var asOther = await a.PostAsync($"/api/v2/edgedevice/id/{b.Id}/info", a.Envelope(new ZInfoMsg { Ztype = ZInfoTypes.ZiDevice, DevId = b.Id }));
        Assert.That(asOther.Status, Is.EqualTo(HttpStatusCode.Forbidden));
        var unknown = await a.PostAsync($"/api/v2/edgedevice/id/{Guid.NewGuid()}/info", a.Envelope(new ZInfoMsg()));
        Assert.That(unknown.Status, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Config_First200_Then304_WhenHashUnchanged()
    {
        using var d = NewDevice();
        await d.OnboardAsync();
        var first = await d.PostAsync($"/api/v2/edgedevice/id/{d.Id}/config", d.Envelope(new ConfigRequest()));
        Assert.That(first.Status, Is.EqualTo(HttpStatusCode.OK));
        var resp = ConfigResponse.Parser.ParseFrom(AuthContainer.Parser.ParseFrom(first.Body).ProtectedPayload.Payload);
        Assert.That(resp.Config.Id.Uuid, Is.EqualTo(d.Id));
        Assert.That(resp.Config.SystemAdapterList, Has.Count.EqualTo(1), "default config has a DHCP management port");
        var second = await d.PostAsync($"/api/v2/edgedevice/id/{d.Id}/config", d.Envelope(new ConfigRequest { ConfigHash = resp.ConfigHash }));
        Assert.That(second.Status, Is.EqualTo(HttpStatusCode.NotModified));
        Assert.That(second.Body, Is.Empty);
    }

    [Test]
    public async Task OversizedBody_Is413()
    {
        using var d = NewDevice();
        var big = new byte[70 * 1024];
        var r = await d.PostAsync("/api/v2/edgedevice/register", big);
        Assert.That(r.Status, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
    }

    [Test]
    public async Task WrongMethod_Is405_UnknownPath_Is404()
    {
        using var d = NewDevice();
        var r = await d.SendAsync(HttpMethod.Get, "/api/v2/edgedevice/register", null);
        Assert.That(r.Status, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
        var r2 = await d.SendAsync(HttpMethod.Get, "/api/v2/edgedevice/nonsense", null);
        Assert.That(r2.Status, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Certs_AndPing_Are200_WithProtoContentType()
    {
        using var d = NewDevice();
        var certs = await d.SendAsync(HttpMethod.Get, "/api/v2/edgedevice/certs", null);
        Assert.That(certs.Status, Is.EqualTo(HttpStatusCode.OK));
        var payload = Org.Lfedge.Eve.Certs.ZControllerCert.Parser.ParseFrom(AuthContainer.Parser.ParseFrom(certs.Body).ProtectedPayload.Payload);
        Assert.That(payload.Certs.Count(c => c.Type == Org.Lfedge.Eve.Certs.ZCertType.CertTypeControllerSigning), Is.EqualTo(1));
        var ping = await d.SendAsync(HttpMethod.Get, "/api/v2/edgedevice/ping", null);
        Assert.That(ping.Status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(ping.Response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/x-proto-binary"));
    }

    [Test]
    public async Task Attest_NonceThenQuote_IssuesIntegrityToken()
    {
        using var d = NewDevice();
        await d.OnboardAsync();
        var nonceResp = await d.PostAsync($"/api/v2/edgedevice/id/{d.Id}/attest", d.Envelope(new Org.Lfedge.Eve.Attest.ZAttestReq { ReqType = Org.Lfedge.Eve.Attest.ZAttestReqType.AttestReqNonce }));
        Assert.That(nonceResp.Status, Is.EqualTo(HttpStatusCode.Created));
        var nonce = Org.Lfedge.Eve.Attest.ZAttestResponse.Parser.ParseFrom(AuthContainer.Parser.ParseFrom(nonceResp.Body).ProtectedPayload.Payload).Nonce.Nonce;
        var quote = new Org.Lfedge.Eve.Attest.ZAttestReq
        {
            ReqType = Org.Lfedge.Eve.Attest.ZAttestReqType.AttestReqQuote,
            Quote = new Org.Lfedge.Eve.Attest.ZAttestQuote { AttestData = ByteString.CopyFrom([.. "TPMS"u8.ToArray(), .. nonce.ToByteArray()]) },
        };
        var quoteResp = await d.PostAsync($"/api/v2/edgedevice/id/{d.Id}/attest", d.Envelope(quote));
        var resp = Org.Lfedge.Eve.Attest.ZAttestResponse.Parser.ParseFrom(AuthContainer.Parser.ParseFrom(quoteResp.Body).ProtectedPayload.Payload);
        Assert.That(resp.QuoteResp.Response, Is.EqualTo(Org.Lfedge.Eve.Attest.ZAttestResponseCode.Success));
        Assert.That(resp.QuoteResp.IntegrityToken.Length, Is.EqualTo(128));
    }

    [Test]
    public async Task Info_Metrics_NewLogs_AreStored_201()
    {
        using var d = NewDevice();
        await d.OnboardAsync();
        var info = await d.PostAsync($"/api/v2/edgedevice/id/{d.Id}/info", d.Envelope(new ZInfoMsg { Ztype = ZInfoTypes.ZiDevice, DevId = d.Id, Dinfo = new ZInfoDevice { Ncpu = 3 } }));
        Assert.That(info.Status, Is.EqualTo(HttpStatusCode.Created));
        var metrics = await d.PostAsync($"/api/v2/edgedevice/id/{d.Id}/metrics", d.Envelope(new Org.Lfedge.Eve.Metrics.ZMetricMsg { DevID = d.Id }));
        Assert.That(metrics.Status, Is.EqualTo(HttpStatusCode.Created));
        var gz = File.ReadAllBytes(Path.Combine(Eve.Appliance.Tests.Api.VectorFiles.Dir, "newlogs_device_gzip.bin"));
        var logs = await d.PostAsync($"/api/v2/edgedevice/id/{d.Id}/newlogs", AuthWith(d, gz));
        Assert.That(logs.Status, Is.EqualTo(HttpStatusCode.Created));
        var hw = await d.PostAsync($"/api/v2/edgedevice/id/{d.Id}/hardwarehealth", d.Envelope(new Org.Lfedge.Eve.Hardwarehealth.ZHardwareHealth()));
        Assert.That(hw.Status, Is.EqualTo(HttpStatusCode.OK));
        var notGzip = await d.PostAsync($"/api/v2/edgedevice/id/{d.Id}/newlogs", AuthWith(d, [1, 2, 3, 4]));
        Assert.That(notGzip.Status, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task NewLogs_GzipBomb_Is413_AndStoresNothing()
    {
        using var d = NewDevice();
        await d.OnboardAsync();
        // 80 MB of one repeated line compresses to well under the 8 MB body limit.
        var line = "{\"severity\":\"info\",\"content\":\"" + new string('a', 1000) + "\"}\n";
        using var ms = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(ms, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var bytes = System.Text.Encoding.ASCII.GetBytes(line);
            for (var i = 0; i < 80_000; i++) gz.Write(bytes);
        }
        var r = await d.PostAsync($"/api/v2/edgedevice/id/{d.Id}/newlogs", AuthWith(d, ms.ToArray()));
        Assert.That(r.Status, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        using var client = new Eve.Appliance.Cli.AdminClient(_controller.DataDir);
        var logs = await client.GetAsync($"admin/devices/{d.Id}/logs") as System.Text.Json.Nodes.JsonArray;
        Assert.That(logs, Is.Empty);
    }

    private async Task<int> CountDevicesAsync()
    {
        using var d = NewDevice();
        // Count through the operator socket, as `ctl devices --json` does.
        using var client = new Eve.Appliance.Cli.AdminClient(_controller.DataDir);
        var list = await client.GetAsync("admin/devices") as System.Text.Json.Nodes.JsonArray;
        return list!.Count;
    }
}
