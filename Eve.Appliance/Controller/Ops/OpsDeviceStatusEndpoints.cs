using Eve.Appliance.Controller.Admin;
using Eve.Appliance.Controller.Configs;
using Eve.Appliance.Controller.Objects;
using Eve.Appliance.Controller.Objects.Model;
using Eve.Appliance.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Controller.Ops;

/// <summary>
/// What the web console reads about devices beyond their objects (info, logs, metric series, device
/// and app state as reported) and its two device actions (reboot, base-OS update). Reads are thin
/// wrappers over <see cref="AdminService"/>, the same service as /admin; the actions go through
/// <see cref="ObjectService"/> so they are versioned and audited like every other change.
/// </summary>
internal static class OpsDeviceStatusEndpoints
{
    public static void MapDeviceStatus(this RouteGroupBuilder g, AdminService admin, ObjectService svc, ConfigService configs, ControllerStore store, AuditLog audit)
    {
        var d = g.MapGroup("/devices").WithTags("devices");
        d.MapGet("/{id}/info", (string id) => Results.Json(admin.Info(id), OpsJson.Options))
            .Produces<List<InfoItem>>().WithSummary("the device's latest info messages (device, apps, networks, volumes…) as canonical protobuf JSON");
        d.MapGet("/{id}/logs", (string id, string? app, string? level, string? since, string? text, long? after, int? limit) =>
                Results.Json(admin.Logs(id, app, level, since, text, after ?? 0, limit ?? 200), OpsJson.Options))
            .Produces<List<LogItem>>()
            .WithSummary("search logs: app (id), level (at least), since (e.g. 15m, 2h, ISO time), text; after = last id seen, to follow");
        d.MapGet("/{id}/metrics/series", (string id, string? since, string? tier, int? limit, string? @object) =>
                Results.Json(admin.Series(id, since, tier, limit ?? 2000, @object), OpsJson.Options))
            .Produces<List<SeriesPoint>>().WithSummary("metric series (cpu.percent, mem.*, disk.*, net.*) since a time, in the finest tier that covers it");
        d.MapGet("/{id}/apps", (string id) => Results.Json(AppStates(store, svc.Device(id).Id), OpsJson.Options))
            .Produces<List<AppStateView>>().WithSummary("the apps as this device last reported them");
        g.MapGet("/device-status", () => Results.Json(DeviceStates(store), OpsJson.Options)).WithTags("devices")
            .Produces<List<DeviceStatusView>>().WithSummary("every device's reported state and base-OS version");
        g.MapGet("/app-states", () => Results.Json(AppStates(store, null), OpsJson.Options)).WithTags("apps")
            .Produces<List<AppStateView>>().WithSummary("every app on every device as the devices last reported them");

        d.MapPost("/{id}/reboot", (string id, HttpContext c) =>
        {
            var who = c.Identity();
            var device = svc.Device(id);
            var a = svc.GetAssignment(device.Id);
            // One more than the device has now, whichever way its config was made; it never goes down.
            var counter = svc.RebootCounterOf(device.Id) + 1;
            if (a.Mode == AssignmentModes.Objects)
            {
                a.RebootCounter = counter;
                svc.PutAssignment(device.Id, a, who);
            }
            else
            {
                // Raw or default config: the stored config with the counter (before secrets are sealed for the device).
                var stored = configs.Stored(device.Id) ?? throw ApiError.NotFound($"device '{device.Name}' has no config yet: it cannot be asked to reboot");
                var config = Org.Lfedge.Eve.Config.EdgeDevConfig.Parser.ParseFrom(stored.Config);
                config.Reboot = new Org.Lfedge.Eve.Config.DeviceOpsCmd { Counter = (uint)counter };
                svc.SetRaw(device.Id, config, who);
            }
            audit.Record(who, "reboot", "device", device.Id, device.Name, 200, $"reboot counter {counter}");
            return Results.Json(new RebootAnswer(counter, configs.Stored(device.Id)?.Version ?? 0), OpsJson.Options);
        }).Produces<RebootAnswer>().WithSummary("ask the device to reboot once (EVE's reboot counter in its config)");

        d.MapPost("/{id}/baseos", async (string id, HttpContext c) =>
        {
            var req = await OpsJson.ReadAsync<BaseOsUpdateRequest>(c.Request).ConfigureAwait(false);
            var who = c.Identity();
            var device = svc.Device(id);
            if (string.IsNullOrWhiteSpace(req.BaseOs))
                throw new ObjectValidationException("the base-OS update is invalid", [new Problem("baseOs", "required: the id or name of a base-OS version")]);
            var target = svc.Get<BaseOsObject>(req.BaseOs);
            var a = svc.GetAssignment(device.Id);
            if (a.Mode != AssignmentModes.Objects) a = new DeviceAssignment { RebootCounter = a.RebootCounter };
            a.BaseOs = target.Id;
            var saved = svc.PutAssignment(device.Id, a, who);
            audit.Record(who, "baseos-update", "device", device.Id, device.Name, 200, $"to {target.Name} ({target.Version})");
            return Results.Json(saved, OpsJson.Options);
        }).Accepts<BaseOsUpdateRequest>("application/json").Produces<DeviceAssignment>()
          .WithSummary("move the device to a base-OS version (object id or name); the device downloads, writes and tests it (a device in raw mode returns to the object model)");
    }

    private static List<DeviceStatusView> DeviceStates(ControllerStore store)
    {
        var infos = store.Info.Find(i => i.Kind == nameof(ZInfoTypes.ZiDevice)).ToDictionary(i => i.DeviceId, StringComparer.Ordinal);
        return store.Devices.FindAll().OrderBy(x => x.RegisteredAt).Select(dev =>
        {
            if (!infos.TryGetValue(dev.Id, out var doc)) return new DeviceStatusView(dev.Id, null, null, null, Seen(dev));
            var dinfo = ZInfoMsg.Parser.ParseFrom(doc.Message).Dinfo;
            var active = dinfo?.SwList.FirstOrDefault(s => s.Activated) ?? dinfo?.SwList.FirstOrDefault();
            return new DeviceStatusView(dev.Id, dinfo == null ? null : ProtoName(dinfo.State), active?.ShortVersion, doc.ReceivedAt, Seen(dev));
        }).ToList();
    }

    /// <summary>EVE's own enum names (RUNNING, not C#'s Running), as the canonical JSON shows them.</summary>
    private static string ProtoName<T>(T value) where T : struct, Enum =>
        typeof(T).GetField(value.ToString())?.GetCustomAttributes(typeof(Google.Protobuf.Reflection.OriginalNameAttribute), false)
            .OfType<Google.Protobuf.Reflection.OriginalNameAttribute>().FirstOrDefault()?.Name ?? value.ToString();

    private static DateTime? Seen(DeviceDoc d) => d.LastSeenAt == default ? null : d.LastSeenAt;

    private static List<AppStateView> AppStates(ControllerStore store, string? deviceId) =>
        store.Info.Find(i => i.Kind == nameof(ZInfoTypes.ZiApp) && (deviceId == null || i.DeviceId == deviceId))
            .Select(doc => (doc, ainfo: ZInfoMsg.Parser.ParseFrom(doc.Message).Ainfo))
            .Where(x => x.ainfo != null)
            .Select(x => new AppStateView(x.doc.DeviceId, x.ainfo.AppID, x.ainfo.AppName, ProtoName(x.ainfo.State),
                x.ainfo.AppErr.Select(e => e.Description).ToList(), x.doc.ReceivedAt))
            .OrderBy(x => x.AppId, StringComparer.Ordinal).ThenBy(x => x.DeviceId, StringComparer.Ordinal).ToList();
}
