using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Controller.Devices;
using Eve.Appliance.Controller.Telemetry;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Org.Lfedge.Eve.Config;
using Org.Lfedge.Eve.Flowlog;
using Org.Lfedge.Eve.Info;
using Org.Lfedge.Eve.Logs;
using Org.Lfedge.Eve.Metrics;
using Org.Lfedge.Eve.Register;
using Org.Lfedge.Eve.Uuid;

namespace Eve.Appliance.Controller.Endpoints;

/// <summary>
/// EVE API v1 (/api/v1/edgedevice) for older devices: raw protobuf bodies, and the TLS client
/// certificate is the identity (the onboarding cert for register, the device cert otherwise).
/// </summary>
internal static class V1Endpoints
{
    private const string Prefix = "/api/v1/edgedevice";

    public static void MapV1(this IEndpointRouteBuilder app, DeviceApi api)
    {
        var g = app.MapGroup(Prefix);
        g.MapPost("/register", async (HttpContext c) =>
        {
            api.Counters.Request("v1.register");
            var cert = await ClientCert(c);
            var body = await RequestBody.ReadAsync(c.Request, BodyLimits.Control, c.RequestAborted);
            var created = api.Registration.Register(cert, Payloads.Parse(ZRegisterMsg.Parser, body));
            return ProtoResults.Empty(created ? 201 : 200);
        });
        g.MapGet("/ping", async (HttpContext c) =>
        {
            await Device(api, c);
            return ProtoResults.Empty(200);
        });
        g.MapGet("/config", async (HttpContext c) =>
        {
            var device = await Device(api, c);
            api.Seen(device.Id);
            return ProtoResults.Message(api.Configs.Get(device.Id).Config);
        });
        g.MapPost("/config", async (HttpContext c) =>
        {
            var device = await Device(api, c);
            var req = Payloads.Parse(ConfigRequest.Parser, await RequestBody.ReadAsync(c.Request, BodyLimits.Control, c.RequestAborted));
            api.Seen(device.Id);
            var answer = api.Configs.Get(device.Id);
            if (req.ConfigHash == answer.Hash) return ProtoResults.NotModified;
            return ProtoResults.Message(new ConfigResponse { Config = answer.Config, ConfigHash = answer.Hash });
        });
        g.MapPost("/uuid", async (HttpContext c) =>
        {
            var device = await Device(api, c);
            return ProtoResults.Message(new UuidResponse { Uuid = device.Id });
        });
        Post(g, api, "/info", BodyLimits.Telemetry, (d, p) => api.Telemetry.Info(d, Payloads.Parse(ZInfoMsg.Parser, p)));
        Post(g, api, "/metrics", BodyLimits.Telemetry, (d, p) => api.Telemetry.Metrics(d, Payloads.Parse(ZMetricMsg.Parser, p)));
        Post(g, api, "/logs", BodyLimits.Logs, (d, p) => api.Telemetry.Logs(d, "", Payloads.Parse(LogBundle.Parser, p).Log));
        Post(g, api, "/newlogs", BodyLimits.Logs, (d, p) => api.Telemetry.Logs(d, "", NewLogsDecoder.Decode(p)));
        Post(g, api, "/flowlog", BodyLimits.Telemetry, (d, p) => api.Telemetry.FlowLog(d, Payloads.Parse(FlowMessage.Parser, p)));
        g.MapPost("/apps/instances/id/{app}/logs", async (HttpContext c, string app) =>
        {
            var device = await Device(api, c);
            var body = await RequestBody.ReadAsync(c.Request, BodyLimits.Logs, c.RequestAborted);
            api.Telemetry.Logs(device.Id, app, Payloads.Parse(AppInstanceLogBundle.Parser, body).Log);
            return ProtoResults.Empty(201);
        });
        g.MapPost("/apps/instanceid/id/{app}/newlogs", async (HttpContext c, string app) =>
        {
            var device = await Device(api, c);
            var body = await RequestBody.ReadAsync(c.Request, BodyLimits.Logs, c.RequestAborted);
            api.Telemetry.Logs(device.Id, app, NewLogsDecoder.Decode(body));
            return ProtoResults.Empty(201);
        });
    }

    private static void Post(RouteGroupBuilder g, DeviceApi api, string path, int limit, Action<string, byte[]> store) =>
        g.MapPost(path, async (HttpContext c) =>
        {
            api.Counters.Request("v1" + path.Replace('/', '.'));
            var device = await Device(api, c);
            var body = await RequestBody.ReadAsync(c.Request, limit, c.RequestAborted);
            store(device.Id, body);
            api.Seen(device.Id);
            return ProtoResults.Empty(201);
        });

    private static async Task<X509Certificate2> ClientCert(HttpContext c) =>
        await c.Connection.GetClientCertificateAsync(c.RequestAborted)
        ?? throw ApiError.Unauthorized("API v1 needs a TLS client certificate");

    private static async Task<KnownDevice> Device(DeviceApi api, HttpContext c)
    {
        var cert = await ClientCert(c);
        return api.Devices.FindByCertDer(cert.RawData)
               ?? throw ApiError.Unauthorized($"TLS client certificate '{cert.Subject}' is not a registered device");
    }
}
