using System.Net;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Eve.Appliance.Tests.Support;
using Microsoft.Playwright;

namespace Eve.Appliance.Tests.Controller.Ops;

/// <summary>
/// The VNC console end to end: a real QEMU with its screen on VNC display N on loopback (as the
/// agent starts an app with VNC on), the controller's TLS listener relaying it over a WebSocket to a
/// .NET client speaking RFB and to noVNC in Debian's Chromium; refusals answered and audited.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class VncConsoleTests
{
    private OpsBed _bed = null!;
    private QemuVncDisplay _qemu = null!;
    private string _admin = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _bed = await OpsBed.StartAsync(tls: true);
        _qemu = await QemuVncDisplay.StartAsync(_bed.DataDir);
        _admin = _bed.Controller.Server.Ops!.FirstStart!.Token;
        await _bed.AppAsync("web");
        await _bed.AppAsync("dark", subnet: "10.51.0.0/24");
        await _bed.AppAsync("plain", subnet: "10.52.0.0/24");
        await EnableVncAsync("web", _qemu.Display);
        // A display nothing listens on: the app is configured but not running.
        await EnableVncAsync("dark", _qemu.Display == 99 ? 98 : _qemu.Display + 1);
        await _bed.Local.OkAsync(HttpMethod.Put, $"api/ops/v1/devices/{_bed.DeviceId}/assignment", new { apps = new[] { "web", "dark", "plain" } });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _qemu?.Dispose();
        if (_bed != null) await _bed.DisposeAsync();
    }

    [Test]
    public async Task Relay_CarriesRfbHandshakeAndAFramebufferUpdate_FromRealQemu_AndAuditsTheSession()
    {
        using var admin = OpsHttp.Tls(_bed.OpsPort!.Value, _admin);
        var ticket = await admin.OkAsync(HttpMethod.Post, "api/ops/v1/apps/web/vnc/ticket");
        Assert.That(ticket["device"]!.GetValue<string>(), Is.Not.Empty);
        using (var ws = await ConnectAsync(ticket["url"]!.GetValue<string>()))
        {
            var rfb = new RfbClient(ws);
            Assert.That(await rfb.VersionAsync(), Is.EqualTo("RFB 003.008\n"));
            var init = await rfb.InitAsync();
            Assert.That(init.Width, Is.GreaterThan(0));
            Assert.That(init.Height, Is.GreaterThan(0));
            var (type, rectangles) = await rfb.RequestUpdateAsync(init.Width, init.Height);
            Assert.That(type, Is.EqualTo(0), "FramebufferUpdate");
            Assert.That(rectangles, Is.GreaterThan(0));
            Assert.That(_bed.Controller.Server.Ops!.Sessions.Vnc, Is.EqualTo(1));
            await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        }
        await Eventually.WaitAsync(() => _bed.Controller.Server.Ops!.Sessions.Vnc == 0, "the VNC session to end");

        // A non-browser client may authenticate the upgrade itself.
        using (var ws = await ConnectAsync("/api/ops/v1/apps/web/vnc", _admin))
            Assert.That(await new RfbClient(ws).VersionAsync(), Is.EqualTo("RFB 003.008\n"));

        var audit = await Eventually.WaitAsync(async () =>
        {
            var entries = (JsonArray)await admin.OkAsync(HttpMethod.Get, "api/ops/v1/audit?object=web");
            return entries.Count(e => e!["action"]!.GetValue<string>() == "vnc-close") >= 2 ? entries : null;
        }, "both sessions' ends in the audit log");
        var open = audit.First(e => e!["action"]!.GetValue<string>() == "vnc-open")!;
        Assert.That(open["status"]!.GetValue<int>(), Is.EqualTo(101));
        Assert.That(open["detail"]!.GetValue<string>(), Does.Contain($"127.0.0.1:{_qemu.Port}"));
        Assert.That(audit.Any(e => e!["via"]!.GetValue<string>().StartsWith("ticket", StringComparison.Ordinal)), Is.True);
    }

    [Test]
    public async Task Refusals_AreAnsweredAndAudited()
    {
        using var admin = OpsHttp.Tls(_bed.OpsPort!.Value, _admin);
        var viewer = (await admin.OkAsync(HttpMethod.Post, "api/ops/v1/tokens", new { name = "wall", role = "viewer" }))["token"]!.GetValue<string>();
        var before = ((JsonArray)await admin.OkAsync(HttpMethod.Get, "api/ops/v1/audit?limit=1000")).Count(e => e!["action"]!.GetValue<string>() == "denied");

        Assert.That(Refused("/api/ops/v1/apps/web/vnc", null), Is.EqualTo(HttpStatusCode.Unauthorized), "no credentials");
        Assert.That(Refused("/api/ops/v1/apps/web/vnc", "eva_000000000000_forged"), Is.EqualTo(HttpStatusCode.Unauthorized), "a wrong token");
        Assert.That(Refused("/api/ops/v1/apps/web/vnc?ticket=evt_guessed", null), Is.EqualTo(HttpStatusCode.Unauthorized), "a made-up ticket");
        Assert.That(Refused("/api/ops/v1/apps/web/vnc", viewer), Is.EqualTo(HttpStatusCode.Forbidden), "viewers may not take the console");
        var url = (await admin.OkAsync(HttpMethod.Post, "api/ops/v1/apps/web/vnc/ticket"))["url"]!.GetValue<string>();
        using (var ws = await ConnectAsync(url))
            await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        Assert.That(Refused(url, null), Is.EqualTo(HttpStatusCode.Unauthorized), "a ticket is used once");
        var second = (await admin.OkAsync(HttpMethod.Post, "api/ops/v1/apps/web/vnc/ticket"))["url"]!.GetValue<string>();
        Assert.That(Refused(second.Replace("/apps/web/", "/apps/dark/", StringComparison.Ordinal), null), Is.EqualTo(HttpStatusCode.Unauthorized), "a ticket is for its own app");

        var denied = ((JsonArray)await admin.OkAsync(HttpMethod.Get, "api/ops/v1/audit?limit=1000")).Count(e => e!["action"]!.GetValue<string>() == "denied");
        Assert.That(denied - before, Is.EqualTo(6));

        var (noVnc, why) = await admin.PostAsync("api/ops/v1/apps/plain/vnc/ticket", new { });
        Assert.That(noVnc, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(why!["error"]!.GetValue<string>(), Does.Contain("VNC is not enabled for app 'plain'"));
        Assert.That(Refused("/api/ops/v1/apps/dark/vnc", _admin), Is.EqualTo(HttpStatusCode.BadGateway), "configured, but nothing listens");
        var (plainGet, plainWhy) = await admin.GetAsync("api/ops/v1/apps/web/vnc");
        Assert.That(plainGet, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(plainWhy!["error"]!.GetValue<string>(), Does.Contain("WebSocket"));
        var refused = (JsonArray)await admin.OkAsync(HttpMethod.Get, "api/ops/v1/audit?object=dark");
        Assert.That(refused.Any(e => e!["action"]!.GetValue<string>() == "vnc-refused" && e["status"]!.GetValue<int>() == 502
            && e["detail"]!.GetValue<string>().Contains("cannot reach app 'dark'", StringComparison.Ordinal)), Is.True);
    }

    [Test]
    public async Task ConsolePage_ReachesConnectedWithNoVnc_InDebianChromium()
    {
        await using var browser = await HeadlessBrowser.LaunchAsync();
        var page = await browser.NewPageAsync($"https://127.0.0.1:{_bed.OpsPort}/");
        var console = new List<string>();
        page.Console += (_, m) => { lock (console) console.Add($"{m.Type}: {m.Text}"); };
        await page.GotoAsync($"/console/vnc.html?app=web#token={_admin}");
        var status = await page.WaitForSelectorAsync("#status[data-state='connected'], #status[data-state='error']", new() { Timeout = 180_000 });
        if (await status!.GetAttributeAsync("data-state") != "connected")
        {
            using var admin = OpsHttp.Tls(_bed.OpsPort!.Value, _admin);
            var audit = await admin.OkAsync(HttpMethod.Get, "api/ops/v1/audit?object=web");
            var text = await status.TextContentAsync();
            string seen;
            lock (console) seen = string.Join('\n', console);
            Assert.Fail($"{text}\nbrowser console:\n{seen}\naudit: {audit.ToJsonString()}");
        }
        var size = await page.EvaluateAsync<int[]>("() => { const c = document.querySelector('#screen canvas'); return c ? [c.width, c.height] : [0, 0]; }");
        Assert.That(size[0], Is.GreaterThan(0));
        Assert.That(size[1], Is.GreaterThan(0));
        Assert.That(page.Url, Does.Not.Contain("token="), "the token is taken out of the address bar");
        await HeadlessBrowser.ScreenshotAsync(page, "vnc-connected");

        var refused = await browser.NewPageAsync($"https://127.0.0.1:{_bed.OpsPort}/");
        await refused.GotoAsync("/console/vnc.html?app=web#token=eva_000000000000_forged");
        await refused.WaitForSelectorAsync("#status[data-state='error']");
        Assert.That(await refused.TextContentAsync("#status"), Does.Contain("refused (401)"));
        await HeadlessBrowser.ScreenshotAsync(refused, "vnc-refused");
    }

    private async Task EnableVncAsync(string app, int display)
    {
        var o = (JsonObject)await _bed.Local.OkAsync(HttpMethod.Get, $"api/ops/v1/apps/{app}");
        o["vnc"] = true;
        o["vncDisplay"] = display;
        await _bed.Local.OkAsync(HttpMethod.Put, $"api/ops/v1/apps/{app}", o.ToJsonString());
    }

    private async Task<ClientWebSocket> ConnectAsync(string path, string? token = null)
    {
        var ws = Client(token);
        try
        {
            await ws.ConnectAsync(new Uri($"wss://127.0.0.1:{_bed.OpsPort}{path}"), CancellationToken.None);
            return ws;
        }
        catch
        {
            ws.Dispose();
            throw;
        }
    }

    /// <summary>The HTTP status that refused the WebSocket upgrade.</summary>
    private HttpStatusCode Refused(string path, string? token)
    {
        using var ws = Client(token);
        Assert.ThrowsAsync<WebSocketException>(() => ws.ConnectAsync(new Uri($"wss://127.0.0.1:{_bed.OpsPort}{path}"), CancellationToken.None), path);
        return ws.HttpStatusCode;
    }

    private static ClientWebSocket Client(string? token)
    {
        var ws = new ClientWebSocket();
        ws.Options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        ws.Options.CollectHttpResponseDetails = true;
        if (token != null) ws.Options.SetRequestHeader("Authorization", "Bearer " + token);
        return ws;
    }
}
