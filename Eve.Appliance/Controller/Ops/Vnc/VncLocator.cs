using System.Net;
using Eve.Appliance.Controller.Configs;
using Eve.Appliance.Controller.Devices;
using Eve.Appliance.Controller.Objects;
using Eve.Appliance.Controller.Objects.Model;
using Eve.Appliance.Store;
using Org.Lfedge.Eve.Config;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Controller.Ops.Vnc;

/// <summary>
/// Finds an app's VNC display from what the controller knows, never from the agent's objects (they
/// meet only through EVE's protocol): the config compiled for the device says whether VNC is on and
/// which display (QEMU listens on port 5900 + display); the device's own info says its addresses.
/// Where QEMU listens follows EVE's <c>app.allow.vnc</c> config item: without it the device's
/// agent binds loopback, so only a device on the controller's own host (the appliance's embedded
/// device) can be reached, on 127.0.0.1; with it, the device's address from its info.
/// </summary>
internal sealed class VncLocator(ObjectService svc, ConfigService configs, DeviceDirectory devices, ControllerStore store)
{
    public const int BasePort = 5900;

    public VncEndpoint Locate(string appIdOrName, string? deviceIdOrName)
    {
        var app = svc.Get<AppObject>(appIdOrName);
        var running = deviceIdOrName is { Length: > 0 }
            ? [svc.Device(deviceIdOrName)]
            : devices.All().Where(d => Instance(configs.Get(d.Id).Config, app.Id) != null).ToList();
        if (running.Count == 0)
            throw ApiError.Conflict($"app '{app.Name}' is in no device's config: assign it to a device first (PUT /api/ops/v1/devices/ID/assignment)");
        if (running.Count > 1)
            throw ApiError.BadRequest($"device: app '{app.Name}' runs on {running.Count} devices ({string.Join(", ", running.Select(d => d.Name is { Length: > 0 } n ? n : d.Id))}); say which with ?device=ID");
        var device = running[0];
        var config = configs.Get(device.Id).Config;
        var instance = Instance(config, app.Id)
            ?? throw ApiError.Conflict($"app '{app.Name}' is not in device '{Name(device)}''s config (its config version {configs.Stored(device.Id)?.Version ?? 0}): assign it first");
        if (instance.Fixedresources is not { EnableVnc: true } vm)
            throw ApiError.Conflict($"VNC is not enabled for app '{app.Name}' in device '{Name(device)}''s config: set \"vnc\": true (and a vncDisplay) on the app");
        var port = BasePort + (int)vm.VncDisplay;
        var password = vm.VncPasswd is { Length: > 0 } p ? p : null;
        var allowRemote = string.Equals(config.ConfigItems.LastOrDefault(i => i.Key == "app.allow.vnc")?.Value?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
        if (!allowRemote)
            return new VncEndpoint(device.Id, Name(device), app.Id, app.Name, "127.0.0.1", port, password,
                $"display {vm.VncDisplay} of device '{Name(device)}' on loopback (no app.allow.vnc: its QEMU listens on the device's loopback, so the device must be this controller's own)");
        var address = DeviceAddress(device.Id)
            ?? throw ApiError.Conflict($"device '{Name(device)}' allows remote VNC (app.allow.vnc) but has reported no IP address in its info yet; wait for its next info or check its ports");
        return new VncEndpoint(device.Id, Name(device), app.Id, app.Name, address, port, password,
            $"display {vm.VncDisplay} of device '{Name(device)}' at its reported address {address} (app.allow.vnc is true)");
    }

    private static AppInstanceConfig? Instance(EdgeDevConfig config, string appId) =>
        config.Apps.FirstOrDefault(a => string.Equals(a.Uuidandversion?.Uuid, appId, StringComparison.OrdinalIgnoreCase));

    private static string Name(DeviceDoc d) => d.Name is { Length: > 0 } n ? n : d.Id;

    /// <summary>The first usable address of the device's ports, uplinks first, from its last device info.</summary>
    private string? DeviceAddress(string deviceId)
    {
        var doc = store.Info.FindById($"{deviceId}/{ZInfoTypes.ZiDevice}/device");
        if (doc == null) return null;
        var info = ZInfoMsg.Parser.ParseFrom(doc.Message).Dinfo;
        if (info == null) return null;
        foreach (var port in info.Network.OrderByDescending(n => n.Uplink))
        {
            foreach (var text in port.IPAddrs)
            {
                var bare = text.Split('/')[0];
                if (!IPAddress.TryParse(bare, out var ip) || IPAddress.IsLoopback(ip) || ip.IsIPv6LinkLocal) continue;
                return ip.ToString();
            }
        }
        return null;
    }
}
