using System.Net;
using Eve.Appliance.Tests.Support;
using Org.Lfedge.Eve.Attest;
using Org.Lfedge.Eve.Auth;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Tests.Controller;

[TestFixture]
public sealed class AttestationRefusalTests
{
    [Test]
    public async Task EnforcedToken_ConfigWithoutIt_Is403_ForgedQuote_GetsNoToken()
    {
        using var dir = new TempDir("attest");
        await using var controller = await RunningController.StartAsync(dir.Sub("data"), o => o with { EnforceIntegrityToken = true });
        using var d = new TestDevice(controller.Uri, controller.BootstrapDir, "SN-attest");
        await d.OnboardAsync();
        var config = await d.PostAsync($"/api/v2/edgedevice/id/{d.Id}/config", d.Envelope(new ConfigRequest()));
        Assert.That(config.Status, Is.EqualTo(HttpStatusCode.Forbidden));

        // A quote that does not carry the nonce the controller issued.
        await d.PostAsync($"/api/v2/edgedevice/id/{d.Id}/attest", d.Envelope(new ZAttestReq { ReqType = ZAttestReqType.AttestReqNonce }));
        var forged = new ZAttestReq { ReqType = ZAttestReqType.AttestReqQuote, Quote = new ZAttestQuote { AttestData = Google.Protobuf.ByteString.CopyFromUtf8("not the nonce") } };
        var r = await d.PostAsync($"/api/v2/edgedevice/id/{d.Id}/attest", d.Envelope(forged));
        var resp = ZAttestResponse.Parser.ParseFrom(AuthContainer.Parser.ParseFrom(r.Body).ProtectedPayload.Payload);
        Assert.That(resp.QuoteResp.Response, Is.EqualTo(ZAttestResponseCode.NonceMismatch));
        Assert.That(resp.QuoteResp.IntegrityToken.IsEmpty, Is.True);
        var still = await d.PostAsync($"/api/v2/edgedevice/id/{d.Id}/config", d.Envelope(new ConfigRequest()));
        Assert.That(still.Status, Is.EqualTo(HttpStatusCode.Forbidden));
    }
}
