using System.Net;
using System.Net.Http.Headers;
using Eve.Appliance.Tests.Controller.Ops;
using Google.Protobuf;
using Org.Lfedge.Eve.Info;
using Org.Lfedge.Eve.Profile;

namespace Eve.Appliance.Tests.Controller.LocalProfile;

/// <summary>EVE's Local Profile Server API served by the embedded controller, spoken to as EVE
/// does: protobuf over HTTP, answers carrying the server token.</summary>
[TestFixture]
public sealed class LocalProfileServerTests
{
    private const string Token = "plant-lps-token-0123456789";

    [Test]
    public async Task Lps_AnswersWithTheTokenWhatTheOperatorSet_AndKeepsWhatDevicesReport()
    {
        await using var bed = await OpsBed.StartAsync(lps: true);
        var lpsUri = bed.Controller.Server.Ops!.LocalProfileUri!;
        using var http = new HttpClient { BaseAddress = lpsUri };

        Assert.That((await http.GetAsync("/api/v1/local_profile")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "no local profile yet");
        var appInfo = new LocalAppInfoList { AppsInfo = { new LocalAppInfo { Id = "a1", Name = "hmi", State = ZSwState.Running } } };
        Assert.That((await PostAsync(http, "appinfo", appInfo)).Status, Is.EqualTo(HttpStatusCode.NoContent), "no commands");

        await bed.Local.OkAsync(HttpMethod.Put, "api/ops/v1/local-profile", new
        {
            token = Token,
            localProfile = "maintenance",
            radioSilence = true,
            appCommands = new[] { new { displayName = "hmi", command = "restart", timestamp = 1001UL } },
            devCommand = new { command = "graceful-reboot", timestamp = 7UL },
        });

        var profile = Org.Lfedge.Eve.Profile.LocalProfile.Parser.ParseFrom(await http.GetByteArrayAsync("/api/v1/local_profile"));
        Assert.That((profile.LocalProfile_, profile.ServerToken), Is.EqualTo(("maintenance", Token)));
        var (status, body, type) = await PostAsync(http, "appinfo", appInfo);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(type, Is.EqualTo("application/x-proto-binary"));
        var commands = LocalAppCmdList.Parser.ParseFrom(body);
        Assert.That(commands.ServerToken, Is.EqualTo(Token));
        Assert.That((commands.AppCommands.Single().Displayname, commands.AppCommands.Single().Command, commands.AppCommands.Single().Timestamp),
            Is.EqualTo(("hmi", AppCommand.Types.Command.Restart, 1001UL)));
        var radio = RadioConfig.Parser.ParseFrom((await PostAsync(http, "radio", new RadioStatus { RadioSilence = false })).Body);
        Assert.That((radio.RadioSilence, radio.ServerToken), Is.EqualTo((true, Token)));
        var dev = LocalDevCmd.Parser.ParseFrom((await PostAsync(http, "devinfo", new LocalDevInfo { DeviceUuid = bed.DeviceId, LastCmdTimestamp = 3 })).Body);
        Assert.That((dev.Command, dev.Timestamp, dev.ServerToken), Is.EqualTo((LocalDevCmd.Types.Command.GracefulReboot, 7UL, Token)));
        Assert.That((await PostAsync(http, "location", new ZInfoLocation { Latitude = 52.1, Longitude = 4.3 })).Status, Is.EqualTo(HttpStatusCode.OK));
        // No local network config set: 404, which per PROFILE.md makes devices revert any they had.
        Assert.That((await PostAsync(http, "network", new NetworkInfo())).Status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await PostAsync(http, "appbootinfo", new AppBootInfoList())).Status, Is.EqualTo(HttpStatusCode.NoContent));
        using (var garbage = new ByteArrayContent([0x0a, 0xff]))
            Assert.That((await http.PostAsync("/api/v1/devinfo", garbage)).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));

        var reports = (System.Text.Json.Nodes.JsonArray)await bed.Local.OkAsync(HttpMethod.Get, "api/ops/v1/local-profile/reports");
        var devinfo = reports.Single(r => r!["endpoint"]!.GetValue<string>() == "devinfo")!;
        Assert.That(devinfo["source"]!.GetValue<string>(), Is.EqualTo(bed.DeviceId), "keyed by the device's uuid");
        Assert.That(reports.Single(r => r!["endpoint"]!.GetValue<string>() == "location")!["message"]!["latitude"]!.GetValue<double>(), Is.EqualTo(52.1));
        Assert.That(reports.Select(r => r!["endpoint"]!.GetValue<string>()), Is.EquivalentTo(new[] { "appinfo", "radio", "devinfo", "location", "network", "appbootinfo" }));
    }

    [Test]
    public async Task AProfileObject_PointsItsDevicesAtTheLps_WithItsToken()
    {
        await using var bed = await OpsBed.StartAsync(lps: true);
        var (status, body) = await bed.Local.PutAsync("api/ops/v1/local-profile", new { token = "short" });
        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(body!["problems"]![0]!["field"]!.GetValue<string>(), Is.EqualTo("token"));

        var server = $"{bed.Controller.Server.Ops!.LocalProfileUri!.Host}:{bed.Controller.Server.Ops.LocalProfileUri.Port}";
        var (missing, why) = await bed.Local.PostAsync("api/ops/v1/profiles", new { name = "line-1", localProfileServer = server });
        Assert.That(missing, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(why!["problems"]![0]!["field"]!.GetValue<string>(), Is.EqualTo("profileServerToken"));
        await bed.Local.OkAsync(HttpMethod.Post, "api/ops/v1/profiles", new { name = "line-1", globalProfile = "production", localProfileServer = server, profileServerToken = Token });
        await bed.Local.OkAsync(HttpMethod.Put, $"api/ops/v1/devices/{bed.DeviceId}/assignment", new { profiles = new[] { "line-1" } });
        var (config, _) = await bed.PollAsync();
        Assert.That((config.GlobalProfile, config.LocalProfileServer, config.ProfileServerToken), Is.EqualTo(("production", server, Token)));
    }

    private static async Task<(HttpStatusCode Status, byte[] Body, string? Type)> PostAsync(HttpClient http, string endpoint, IMessage message)
    {
        using var content = new ByteArrayContent(message.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-proto-binary");
        using var resp = await http.PostAsync($"/api/v1/{endpoint}", content);
        return (resp.StatusCode, await resp.Content.ReadAsByteArrayAsync(), resp.Content.Headers.ContentType?.MediaType);
    }
}
