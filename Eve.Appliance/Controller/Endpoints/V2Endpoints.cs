using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Eve.Appliance.Api.Envelope;
using Eve.Appliance.Controller.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Org.Lfedge.Eve.Attest;
using Org.Lfedge.Eve.Config;
using Org.Lfedge.Eve.Flowlog;
using Org.Lfedge.Eve.Hardwarehealth;
using Org.Lfedge.Eve.Info;
using Org.Lfedge.Eve.Logs;
using Org.Lfedge.Eve.Metrics;
using Org.Lfedge.Eve.Register;
using Org.Lfedge.Eve.Uuid;

namespace Eve.Appliance.Controller.Endpoints;

/// <summary>
/// EVE API v2 (/api/v2/edgedevice): every body is an AuthContainer; the device is the signer.
/// Handlers only parse and answer; the services decide (STYLE §1.1).
/// </summary>
internal static class V2Endpoints
{
    private const string Prefix = "/api/v2/edgedevice";

    public static void MapV2(this IEndpointRouteBuilder app, DeviceApi api)
    {
        var g = app.MapGroup(Prefix);
        g.MapMethods("/certs", ["GET", "POST"], (HttpContext c) => api.Certs(c));
        g.MapGet("/ping", (HttpContext c) => api.Ping(c));
        g.MapPost("/register", H(c => Register(api, c)));
        g.MapPost("/uuid", H(c => Uuid(api, c)));
        g.MapMethods("/config", ["GET", "POST"], H(c => Config(api, c, null)));
        g.MapMethods("/id/{uuid}/config", ["GET", "POST"], (HttpContext c, string uuid) => Config(api, c, uuid));
        g.MapPost("/id/{uuid}/attest", (HttpContext c, string uuid) => Attest(api, c, uuid));
        g.MapPost("/id/{uuid}/info", (HttpContext c, string uuid) => Post(api, c, uuid, "info", BodyLimits.Telemetry,
            (d, p) => api.Telemetry.Info(d, Payloads.Parse(ZInfoMsg.Parser, p))));
        g.MapPost("/id/{uuid}/metrics", (HttpContext c, string uuid) => Post(api, c, uuid, "metrics", BodyLimits.Telemetry,
            (d, p) => api.Telemetry.Metrics(d, Payloads.Parse(ZMetricMsg.Parser, p))));
        g.MapPost("/id/{uuid}/logs", (HttpContext c, string uuid) => Post(api, c, uuid, "logs", BodyLimits.Logs,
            (d, p) => api.Telemetry.Logs(d, "", Payloads.Parse(LogBundle.Parser, p).Log)));
        g.MapPost("/id/{uuid}/newlogs", (HttpContext c, string uuid) => Post(api, c, uuid, "newlogs", BodyLimits.Logs,
            (d, p) => api.Telemetry.Logs(d, "", NewLogsDecoder.Decode(p))));
        g.MapPost("/id/{uuid}/apps/instanceid/{app}/newlogs", (HttpContext c, string uuid, string app) => Post(api, c, uuid, "appnewlogs", BodyLimits.Logs,
            (d, p) => api.Telemetry.Logs(d, AppId(app), NewLogsDecoder.Decode(p))));
        g.MapPost("/id/{uuid}/apps/instances/id/{app}/logs", (HttpContext c, string uuid, string app) => Post(api, c, uuid, "applogs", BodyLimits.Logs,
            (d, p) => api.Telemetry.Logs(d, AppId(app), Payloads.Parse(AppInstanceLogBundle.Parser, p).Log)));
        g.MapPost("/id/{uuid}/flowlog", (HttpContext c, string uuid) => Post(api, c, uuid, "flowlog", BodyLimits.Telemetry,
            (d, p) => api.Telemetry.FlowLog(d, Payloads.Parse(FlowMessage.Parser, p))));
        g.MapPost("/id/{uuid}/hardwarehealth", (HttpContext c, string uuid) => Post(api, c, uuid, "hardwarehealth", BodyLimits.Telemetry,
            (d, p) => api.Telemetry.Other(d, "hardwarehealth", Payloads.Parse(ZHardwareHealth.Parser, p)), status: 200));
    }

    /// <summary>Makes a handler that takes only HttpContext bind as a route handler (its IResult is
    /// written), not as a RequestDelegate (whose return value is discarded).</summary>
    private static Delegate H(Func<HttpContext, Task<IResult>> handler) => handler;

    private static string AppId(string app) =>
        Guid.TryParse(app, out var g) ? g.ToString() : throw ApiError.BadRequest($"app id '{app}' is not a UUID");

    private static async Task<IResult> Register(DeviceApi api, HttpContext c)
    {
        api.Counters.Request("register");
        var body = await RequestBody.ReadAsync(c.Request, BodyLimits.Control, c.RequestAborted);
        var container = ParseContainer(body);
        if (container.SenderCert.IsEmpty) throw ApiError.Unauthorized("register needs senderCert (the onboarding certificate)");
        var onboardCerts = OnboardCerts(container.SenderCert.Span);
        var signer = onboardCerts.FirstOrDefault(cert => PublicKeyOf(cert) is { } key && AuthContainers.VerifySignature(container, key))
                     ?? throw ApiError.Unauthorized("register signature does not verify with the onboarding certificate in senderCert");
        var msg = Payloads.Parse(ZRegisterMsg.Parser, container.ProtectedPayload.Payload.Span);
        var created = api.Registration.Register(signer, msg);
        return ProtoResults.Empty(created ? 201 : 200);
    }

    private static async Task<IResult> Uuid(DeviceApi api, HttpContext c)
    {
        api.Counters.Request("uuid");
        var body = await RequestBody.ReadAsync(c.Request, BodyLimits.Control, c.RequestAborted);
        var (device, container) = api.Authenticator.Authenticate(body, null);
        Payloads.Parse(UuidRequest.Parser, container.ProtectedPayload.Payload.Span);
        return api.Sealed(new UuidResponse { Uuid = device.Id });
    }

    private static async Task<IResult> Config(DeviceApi api, HttpContext c, string? uuid)
    {
        api.Counters.Request("config");
        var body = await RequestBody.ReadAsync(c.Request, BodyLimits.Control, c.RequestAborted);
        var (device, container) = api.Authenticator.Authenticate(body, uuid);
        var req = Payloads.Parse(ConfigRequest.Parser, container.ProtectedPayload.Payload.Span);
        api.CheckIntegrityToken(device.Id, req.IntegrityToken.Span);
        api.Seen(device.Id);
        var answer = api.Configs.Get(device.Id);
        if (req.ConfigHash == answer.Hash) return ProtoResults.NotModified;
        return ProtoResults.Bytes(answer.SignedResponse);
    }

    private static async Task<IResult> Attest(DeviceApi api, HttpContext c, string uuid)
    {
        api.Counters.Request("attest");
        var body = await RequestBody.ReadAsync(c.Request, BodyLimits.Control, c.RequestAborted);
        var (device, container) = api.Authenticator.Authenticate(body, uuid);
        var req = Payloads.Parse(ZAttestReq.Parser, container.ProtectedPayload.Payload.Span);
        return api.Sealed(api.Attestation.Handle(device.Id, req), 201);
    }

    private static async Task<IResult> Post(DeviceApi api, HttpContext c, string uuid, string endpoint, int limit,
        Action<string, ReadOnlySpan<byte>> store, int status = 201)
    {
        api.Counters.Request(endpoint);
        var body = await RequestBody.ReadAsync(c.Request, limit, c.RequestAborted);
        var (device, container) = api.Authenticator.Authenticate(body, uuid);
        store(device.Id, container.ProtectedPayload.Payload.Span);
        api.Seen(device.Id);
        return ProtoResults.Empty(status);
    }

    private static Org.Lfedge.Eve.Auth.AuthContainer ParseContainer(byte[] body)
    {
        try
        {
            return AuthContainers.Parse(body);
        }
        catch (EnvelopeException e)
        {
            throw e.Kind == EnvelopeError.Malformed ? ApiError.BadRequest(e.Message) : ApiError.Unauthorized(e.Message);
        }
    }

    /// <summary>The cert's EC key, or null when it has none or it does not decode (a damaged
    /// senderCert is an unknown signer, 401, not a server error; found by the request fuzzer).</summary>
    private static ECDsa? PublicKeyOf(X509Certificate2 cert)
    {
        try
        {
            return cert.GetECDsaPublicKey();
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>senderCert is base64 (std) of the onboarding cert PEM file (WIRE B.2).</summary>
    private static List<X509Certificate2> OnboardCerts(ReadOnlySpan<byte> senderCert)
    {
        string pem;
        try
        {
            pem = Encoding.ASCII.GetString(Convert.FromBase64String(Encoding.ASCII.GetString(senderCert)));
        }
        catch (FormatException)
        {
            throw ApiError.BadRequest("senderCert is not base64");
        }
        var certs = new List<X509Certificate2>();
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(pem);
        }
        catch (CryptographicException e)
        {
            throw ApiError.BadRequest($"senderCert holds no certificate: {e.Message}");
        }
        certs.AddRange(collection);
        if (certs.Count == 0) throw ApiError.BadRequest("senderCert holds no certificate");
        return certs;
    }
}
