using System.Text.Json.Nodes;
using Eve.Appliance.Api;
using Eve.Appliance.Controller.Configs;
using Eve.Appliance.Controller.Devices;
using Eve.Appliance.Controller.Objects;
using Eve.Appliance.Controller.Objects.Model;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Controller.Ops;

/// <summary>Devices in the operator API: assignment, config (raw override), versions, diff, revert.</summary>
internal static class OpsDeviceEndpoints
{
    public static void MapDevices(this RouteGroupBuilder g, ObjectService svc, ConfigService configs, DeviceDirectory devices)
    {
        var d = g.MapGroup("/devices").WithTags("devices");
        d.MapGet("", (HttpContext c) => Paging.Page(c, devices.All().Select(x => View(x, svc, configs)))).Produces<List<DeviceView>>().Paged();
        d.MapGet("/{id}", (string id) => Results.Json(View(svc.Device(id), svc, configs), OpsJson.Options)).Produces<DeviceView>();
        d.MapGet("/{id}/assignment", (string id) => Results.Json(svc.GetAssignment(id), OpsJson.Options)).Produces<DeviceAssignment>()
            .WithSummary("what the device runs, by object id; mode objects (compiled), raw (a whole config was set or reverted) or none");
        d.MapPut("/{id}/assignment", async (string id, HttpContext c) =>
            Results.Json(svc.PutAssignment(id, await OpsJson.ReadAsync<DeviceAssignment>(c.Request).ConfigureAwait(false), c.Identity()), OpsJson.Options))
            .Accepts<DeviceAssignment>("application/json").Produces<DeviceAssignment>()
            .WithSummary("assign objects (ids or names) to the device; compiles and publishes its config, also leaving raw mode");
        d.MapGet("/{id}/config", (string id) =>
        {
            var device = svc.Device(id);
            var answer = configs.Get(device.Id);
            return Results.Json(new { version = answer.Version, hash = answer.Hash, config = Json(answer.Config) }, OpsJson.Options);
        }).WithSummary("the EdgeDevConfig the device gets now (canonical protobuf JSON)");
        d.MapPut("/{id}/config", async (string id, HttpContext c) =>
        {
            using var reader = new StreamReader(c.Request.Body);
            var text = await reader.ReadToEndAsync(c.RequestAborted).ConfigureAwait(false);
            EdgeDevConfig config;
            try { config = ProtoRegistry.CanonicalJsonParser.Parse<EdgeDevConfig>(text); }
            catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException or FormatException or InvalidOperationException)
            {
                throw new ObjectValidationException("the body is not an EdgeDevConfig in canonical protobuf JSON", [new Problem("body", e.Message)]);
            }
            var answer = svc.SetRaw(id, config, c.Identity());
            return Results.Json(new ConfigPublished(answer.Version, answer.Hash), OpsJson.Options);
        }).WithSummary("raw override: set a whole EdgeDevConfig; the device leaves the object model until its assignment is put again")
          .Accepts<JsonObject>("application/json").Produces<ConfigPublished>();
        d.MapGet("/{id}/config/versions", (string id, bool? full, HttpContext c) =>
        {
            var device = svc.Device(id);
            return Paging.Page(c, svc.History.Of(device.Id).Select(v => Version(v, full == true)));
        }).WithSummary("every config version of the device, newest first (?full=true includes each config)").Produces<List<ConfigVersionView>>().Paged();
        d.MapGet("/{id}/config/versions/{version:int}", (string id, int version) =>
        {
            var device = svc.Device(id);
            var v = svc.History.Get(device.Id, version) ?? throw ApiError.NotFound($"device '{id}' has no config version {version}");
            return Results.Json(Version(v, true), OpsJson.Options);
        }).Produces<ConfigVersionView>();
        d.MapGet("/{id}/config/diff", (string id, int? from, int? to) =>
        {
            var device = svc.Device(id);
            var all = svc.History.Of(device.Id);
            if (all.Count == 0) throw ApiError.NotFound($"device '{id}' has no config versions yet");
            var b = to ?? all[0].Version;
            var a = from ?? b - 1;
            var va = svc.History.Get(device.Id, a) ?? throw ApiError.NotFound($"device '{id}' has no config version {a}");
            var vb = svc.History.Get(device.Id, b) ?? throw ApiError.NotFound($"device '{id}' has no config version {b}");
            // id.version always differs between versions; it is noise in a diff.
            var ca = ConfigHistory.Parse(va);
            var cb = ConfigHistory.Parse(vb);
            ca.Id.Version = cb.Id.Version = "";
            var changes = ConfigDiff.Of(ca, cb);
            return Results.Json(new DiffView(a, b, changes.Select(x => new DiffLine(x.Path, x.Op, x.Old, x.New)).ToList(),
                string.Join('\n', changes.Select(x => x.ToString()))), OpsJson.Options);
        }).WithSummary("field-path diff between two versions (default: the latest and the one before)").Produces<DiffView>();
        d.MapPost("/{id}/config/revert", async (string id, HttpContext c) =>
        {
            var req = await OpsJson.ReadAsync<RevertRequest>(c.Request).ConfigureAwait(false);
            var answer = svc.Revert(id, req.Version, c.Identity());
            return Results.Json(new ConfigPublished(answer.Version, answer.Hash), OpsJson.Options);
        }).WithSummary("publish an earlier version's config again as a new version (the device goes to raw mode)")
          .Accepts<RevertRequest>("application/json").Produces<ConfigPublished>();
    }

    private static DeviceView View(Store.DeviceDoc d, ObjectService svc, ConfigService configs)
    {
        var a = svc.GetAssignment(d.Id);
        return new DeviceView(d.Id, d.Name, d.Serial, d.RegisteredAt, d.LastSeenAt == default ? null : d.LastSeenAt,
            configs.Stored(d.Id)?.Version ?? 0, a.Mode, a.ModeReason, a.Apps.Count, a.Profiles.Count);
    }

    private static ConfigVersionView Version(ConfigVersionDoc v, bool full) =>
        new(v.Version, v.ContentHash, v.Source, v.Actor, v.At, full ? Json(ConfigHistory.Parse(v)) : null);

    private static JsonNode? Json(IMessage m) => JsonNode.Parse(ProtoRegistry.CanonicalJson.Format(m));
}
