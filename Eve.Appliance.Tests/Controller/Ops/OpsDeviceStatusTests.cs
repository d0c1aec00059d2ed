using System.Net;
using System.Text.Json.Nodes;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Tests.Controller.Ops;

/// <summary>The endpoints the web console reads and acts through (device status, app states, info,
/// logs, series, reboot, base-OS update) on the real controller with an onboarded device.</summary>
[TestFixture]
public sealed class OpsDeviceStatusTests
{
    [Test]
    public async Task Reboot_RaisesTheCounterTheDevicePolls_InRawAndObjectMode_AndNeverLowersIt()
    {
        await using var bed = await OpsBed.StartAsync();
        var first = await bed.Local.OkAsync(HttpMethod.Post, $"api/ops/v1/devices/{bed.DeviceId}/reboot");
        Assert.That(first["counter"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That((await bed.PollAsync()).Config.Reboot.Counter, Is.EqualTo(1u), "default config: the counter in the stored config");

        // Into the object model: an assignment that never mentioned the counter keeps it.
        await bed.Local.OkAsync(HttpMethod.Put, $"api/ops/v1/devices/{bed.DeviceId}/assignment", new { apps = Array.Empty<string>() });
        Assert.That((await bed.PollAsync()).Config.Reboot.Counter, Is.EqualTo(1u), "a lower counter would reboot an EVE device again");
        var second = await bed.Local.OkAsync(HttpMethod.Post, $"api/ops/v1/devices/{bed.DeviceId}/reboot");
        Assert.That(second["counter"]!.GetValue<int>(), Is.EqualTo(2));
        Assert.That((await bed.PollAsync()).Config.Reboot.Counter, Is.EqualTo(2u));
        var audit = (JsonArray)await bed.Local.OkAsync(HttpMethod.Get, "api/ops/v1/audit?kind=device");
        Assert.That(audit.Count(e => e!["action"]!.GetValue<string>() == "reboot"), Is.EqualTo(2));
    }

    [Test]
    public async Task Reboot_ByAViewer_IsForbidden_AndAudited()
    {
        await using var bed = await OpsBed.StartAsync(tls: true);
        var token = (await bed.Local.OkAsync(HttpMethod.Post, "api/ops/v1/tokens", new { @operator = bed.Controller.Server.Ops!.FirstStart!.Operator, name = "wall", role = "viewer" }))["token"]!.GetValue<string>();
        using var viewer = OpsHttp.Tls(bed.OpsPort!.Value, token);
        var (status, body) = await viewer.PostAsync($"api/ops/v1/devices/{bed.DeviceId}/reboot", new { });
        Assert.That(status, Is.EqualTo(HttpStatusCode.Forbidden), body?.ToJsonString());
        Assert.That((await viewer.GetAsync($"api/ops/v1/devices/{bed.DeviceId}/info")).Status, Is.EqualTo(HttpStatusCode.OK), "viewers read");
        Assert.That((await bed.PollAsync()).Config.Reboot, Is.Null);
    }

    [Test]
    public async Task BaseOsUpdate_AssignsTheVersion_AndABadRequestNamesTheField()
    {
        await using var bed = await OpsBed.StartAsync();
        var image = await bed.Local.UploadAsync("eve-10.4.1", [.. System.Text.Encoding.ASCII.GetBytes("rootfs"), 9, 9, 9], "raw");
        await bed.Local.OkAsync(HttpMethod.Post, "api/ops/v1/base-os", new { name = "v10.4.1", version = "10.4.1", imageId = image["id"]!.GetValue<string>() });

        var (status, body) = await bed.Local.PostAsync($"api/ops/v1/devices/{bed.DeviceId}/baseos", new { baseOs = "" });
        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(body!["problems"]![0]!["field"]!.GetValue<string>(), Is.EqualTo("baseOs"));
        Assert.That((await bed.Local.PostAsync($"api/ops/v1/devices/{bed.DeviceId}/baseos", new { baseOs = "v99" })).Status, Is.EqualTo(HttpStatusCode.NotFound));

        await bed.Local.OkAsync(HttpMethod.Post, $"api/ops/v1/devices/{bed.DeviceId}/baseos", new { baseOs = "v10.4.1" });
        var config = (await bed.PollAsync()).Config;
        Assert.That(config.Baseos.BaseOsVersion, Is.EqualTo("10.4.1"));
        Assert.That(config.Baseos.ContentTreeUuid, Is.EqualTo(image["id"]!.GetValue<string>()));
    }

    [Test]
    public async Task DeviceAndAppStates_AreWhatTheDevicesReported_InEvesNames()
    {
        await using var bed = await OpsBed.StartAsync();
        var (status, _, _) = await bed.Device.PostAsync($"/api/v2/edgedevice/id/{bed.DeviceId}/info", bed.Device.Envelope(new ZInfoMsg
        {
            Ztype = ZInfoTypes.ZiDevice, DevId = bed.DeviceId,
            Dinfo = new ZInfoDevice { State = ZDeviceState.Online, SwList = { new ZInfoDevSW { Activated = true, PartitionLabel = "IMGB", ShortVersion = "10.4.1" } } },
        }));
        Assert.That((int)status, Is.InRange(200, 204));
        var appId = Guid.NewGuid().ToString();
        (status, _, _) = await bed.Device.PostAsync($"/api/v2/edgedevice/id/{bed.DeviceId}/info", bed.Device.Envelope(new ZInfoMsg
        {
            Ztype = ZInfoTypes.ZiApp, DevId = bed.DeviceId,
            Ainfo = new ZInfoApp { AppID = appId, AppName = "hmi", State = ZSwState.Running, AppErr = { new Org.Lfedge.Eve.Info.ErrorInfo { Description = "slow disk" } } },
        }));
        Assert.That((int)status, Is.InRange(200, 204));

        var device = ((JsonArray)await bed.Local.OkAsync(HttpMethod.Get, "api/ops/v1/device-status")).Single()!;
        Assert.That(device["state"]!.GetValue<string>(), Is.EqualTo("ZDEVICE_STATE_ONLINE"));
        Assert.That(device["version"]!.GetValue<string>(), Is.EqualTo("10.4.1"));
        var app = ((JsonArray)await bed.Local.OkAsync(HttpMethod.Get, "api/ops/v1/app-states")).Single()!;
        Assert.That(app["appId"]!.GetValue<string>(), Is.EqualTo(appId));
        Assert.That(app["state"]!.GetValue<string>(), Is.EqualTo("RUNNING"));
        Assert.That(app["errors"]![0]!.GetValue<string>(), Is.EqualTo("slow disk"));
        Assert.That(((JsonArray)await bed.Local.OkAsync(HttpMethod.Get, $"api/ops/v1/devices/{bed.DeviceId}/apps")).Count, Is.EqualTo(1));
        var info = (JsonArray)await bed.Local.OkAsync(HttpMethod.Get, $"api/ops/v1/devices/{bed.DeviceId}/info");
        Assert.That(info.Any(i => i!["kind"]!.GetValue<string>() == "ZiDevice" && i["message"]!["dinfo"] != null), Is.True);
        Assert.That(await bed.Local.OkAsync(HttpMethod.Get, $"api/ops/v1/devices/{bed.DeviceId}/logs?since=1h"), Is.InstanceOf<JsonArray>());
        Assert.That(await bed.Local.OkAsync(HttpMethod.Get, $"api/ops/v1/devices/{bed.DeviceId}/metrics/series?since=1h"), Is.InstanceOf<JsonArray>());
        var (bad, badBody) = await bed.Local.GetAsync($"api/ops/v1/devices/{bed.DeviceId}/logs?level=loud");
        Assert.That(bad, Is.EqualTo(HttpStatusCode.BadRequest), badBody?.ToJsonString());
    }
}
