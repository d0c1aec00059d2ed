using System.Text.Json.Nodes;
using Eve.Appliance.Tests.Platform.Qemu;
using Eve.Appliance.Tests.Support;
using Microsoft.Playwright;

namespace Eve.Appliance.Tests.Controller.Console;

/// <summary>
/// The web console in Debian's Chromium against the real appliance (`eve-appliance run`, its TLS
/// operator listener, its own device, QEMU): what an operator sees and does, with screenshots kept
/// as artefacts. One appliance and one browser for the fixture; each test has its own browser context.
/// </summary>
[TestFixture]
public sealed class ConsoleBrowserTests
{
    private ConsoleAppliance? _appliance;
    private HeadlessBrowser? _browser;

    private ConsoleAppliance Appliance => _appliance!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _appliance = await ConsoleAppliance.StartAsync("SN-console");
        _browser = await HeadlessBrowser.LaunchAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_browser != null) await _browser.DisposeAsync();
        if (_appliance != null) await _appliance.DisposeAsync();
    }

    private Task<IPage> PageAsync() => _browser!.NewPageAsync();

    [Test]
    public async Task Operator_UploadsTheGuest_CreatesAnApp_AndWatchesItReachRunningInThePage()
    {
        var guest = await TestGuest.DirAsync();
        var page = await PageAsync();
        await ConsolePages.LoginAsync(page, Appliance.BaseUrl, Appliance.Operator, Appliance.Password);
        await ConsolePages.OpenAsync(page, "#/devices", "devices-table");
        Assert.That(await ConsolePages.RowsAsync(page, "devices-table"), Is.EqualTo(1), "the appliance's own device");
        await HeadlessBrowser.ScreenshotAsync(page, "1-devices");

        // Images: the guest's kernel, initramfs and disk, each with the progress bar reaching 100 %.
        await ConsolePages.OpenAsync(page, "#/images", "images-table");
        await ConsolePages.UploadAsync(page, Path.Combine(guest, "vmlinuz"), "raw");
        await ConsolePages.UploadAsync(page, Path.Combine(guest, "initramfs.gz"), "raw");
        await ConsolePages.UploadAsync(page, Path.Combine(guest, "disk.qcow2"), "qcow2");
        Assert.That(await page.EvalOnSelectorAsync<double>("#upload-progress", "p => p.value"), Is.EqualTo(100), "the progress bar is full");
        await page.Locator("#images-table tbody tr", new PageLocatorOptions { HasTextString = "disk.qcow2" }).WaitForAsync();
        await HeadlessBrowser.ScreenshotAsync(page, "2-images-uploaded");

        // A network for the app (air-gapped local instance: DHCP in the appliance's app namespace).
        await ConsolePages.OpenAsync(page, "#/networks", "networks-table");
        await page.FillAsync("#network-form input[name=name]", "guest-net");
        await page.FillAsync("#network-form input[name=port]", "");
        await page.FillAsync("#network-form input[name=subnet]", "10.77.0.0/24");
        await page.FillAsync("#network-form input[name=gateway]", "10.77.0.1");
        await page.ClickAsync("#network-form button[type=submit]");
        await page.Locator("#networks-table tbody tr", new PageLocatorOptions { HasTextString = "guest-net" }).WaitForAsync();
        await HeadlessBrowser.ScreenshotAsync(page, "3-network");

        // The app, deployed to the device, VNC on.
        await ConsolePages.OpenAsync(page, "#/apps", "apps-table");
        await page.Locator("#app-form").WaitForAsync();
        await page.FillAsync("#app-form input[name=name]", "guest");
        await ConsolePages.SelectByLabelAsync(page, "#app-form select[name=disk]", "disk.qcow2 (qcow2)");
        await ConsolePages.SelectByLabelAsync(page, "#app-form select[name=kernel]", "vmlinuz (raw)");
        await ConsolePages.SelectByLabelAsync(page, "#app-form select[name=initrd]", "initramfs.gz (raw)");
        await page.FillAsync("#app-form input[name=kernelArgs]", "console=ttyS0 quiet panic=-1 test.hold");
        await page.FillAsync("#app-form input[name=memoryMb]", "256");
        await ConsolePages.SelectByLabelAsync(page, "#app-form select[name=networks]", "guest-net (local 10.77.0.0/24)");
        await page.CheckAsync("#app-form input[name=vnc]");
        // A display of its own: other tests on this machine may run VMs with VNC too.
        await page.FillAsync("#app-form input[name=vncDisplay]", $"{Random.Shared.Next(40, 99)}");
        await page.SelectOptionAsync("#app-form select[name=device]", Appliance.DeviceId);
        await HeadlessBrowser.ScreenshotAsync(page, "4-app-form");
        await page.ClickAsync("#app-form button[type=submit]");
        var row = page.Locator("#apps-table tbody tr", new PageLocatorOptions { HasTextString = "guest" });
        await row.WaitForAsync();
        Assert.That(await row.Locator("a", new LocatorLocatorOptions { HasTextString = "console" }).GetAttributeAsync("href"),
            Does.StartWith("/console/vnc.html?app="), "VNC on: the console link");

        // The page refreshes the state the device reports until the VM runs.
        try
        {
            await row.Locator(".badge[data-state=RUNNING]").WaitForAsync(new LocatorWaitForOptions { Timeout = 420_000 });
        }
        catch (TimeoutException)
        {
            await HeadlessBrowser.ScreenshotAsync(page, "5-app-not-running");
            Assert.Fail($"the app did not show RUNNING; row: {await row.TextContentAsync()}\nappliance output tail:\n{Tail(Appliance.Output)}");
        }
        await HeadlessBrowser.ScreenshotAsync(page, "5-app-running");

        // The device page lists it as the device reports it; logs and metrics pages show the device's data.
        await page.EvaluateAsync("h => { location.hash = h; }", $"#/devices/{Appliance.DeviceId}");
        await page.Locator("#device-detail[data-loaded]").WaitForAsync();
        await page.Locator("#device-apps-table tbody tr", new PageLocatorOptions { HasTextString = "RUNNING" }).WaitForAsync();
        Assert.That(await page.Locator("#reboot-button").CountAsync(), Is.EqualTo(1), "an operator may reboot");
        await HeadlessBrowser.ScreenshotAsync(page, "6-device");
        await ConsolePages.OpenAsync(page, $"#/logs?device={Appliance.DeviceId}", "logs-table");
        Assert.That(await ConsolePages.RowsAsync(page, "logs-table"), Is.GreaterThan(0), "the device's own logs");
        // Follow: the event stream where the server has it, else polling (the page says which).
        await page.CheckAsync("#logs-form input[name=follow]");
        await page.Locator("#follow-status", new PageLocatorOptions { HasTextString = "following" }).WaitForAsync();
        await HeadlessBrowser.ScreenshotAsync(page, "7-logs");
        await page.EvaluateAsync("h => { location.hash = h; }", $"#/metrics?device={Appliance.DeviceId}");
        await page.Locator("#charts[data-loaded] svg.chart").First.WaitForAsync();
        Assert.That(await page.Locator("#charts svg.chart").CountAsync(), Is.EqualTo(4), "CPU, memory, disk, network");
        await HeadlessBrowser.ScreenshotAsync(page, "8-metrics");
        await ConsolePages.OpenAsync(page, "#/audit", "audit-table");
        await page.Locator("#audit-table tbody tr", new PageLocatorOptions { HasTextString = "guest" }).First.WaitForAsync();
        await HeadlessBrowser.ScreenshotAsync(page, "9-audit");
    }

    [Test]
    public async Task WrongPassword_ShowsTheMessage_AndStaysOnTheLoginPage()
    {
        var page = await PageAsync();
        await page.GotoAsync($"{Appliance.BaseUrl}/");
        await page.FillAsync("#login-form input[name=name]", Appliance.Operator);
        await page.FillAsync("#login-form input[name=password]", "not-the-password");
        await page.ClickAsync("#login-form button[type=submit]");
        var message = page.Locator("#login-message");
        await message.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
        Assert.That(await message.TextContentAsync(), Is.EqualTo("Wrong operator name or password."));
        Assert.That(await page.Locator("#top").IsHiddenAsync(), Is.True, "no navigation without a session");
        Assert.That(await page.EvaluateAsync<int>("() => sessionStorage.length"), Is.EqualTo(0), "no token kept");
        await HeadlessBrowser.ScreenshotAsync(page, "login-refused");
    }

    [Test]
    public async Task ExpiredToken_SendsTheOperatorBackToLogin_WithTheReason()
    {
        var page = await PageAsync();
        await ConsolePages.LoginAsync(page, Appliance.BaseUrl, Appliance.Operator, Appliance.Password);
        await ConsolePages.OpenAsync(page, "#/devices", "devices-table");
        // A token the server no longer knows, as after expiry or revocation.
        await page.EvaluateAsync("() => { const k = 'eve.console.session'; const s = JSON.parse(sessionStorage.getItem(k)); s.token = 'eveop_revoked'; sessionStorage.setItem(k, JSON.stringify(s)); }");
        await page.EvaluateAsync("h => { location.hash = h; }", "#/images");
        var message = page.Locator("#login-message");
        await message.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
        Assert.That(await message.TextContentAsync(), Does.Contain("401"));
        Assert.That(await page.EvaluateAsync<int>("() => sessionStorage.length"), Is.EqualTo(0), "the dead token is dropped");
        await HeadlessBrowser.ScreenshotAsync(page, "session-ended");
    }

    [Test]
    public async Task Viewer_SeesObjects_ButNoWriteButtonsOrForms()
    {
        using var local = Appliance.Local();
        var image = await local.UploadAsync("viewer-disk", [1, 2, 3, 4, 5, 6, 7, 8], "raw");
        await local.OkAsync(HttpMethod.Post, "api/ops/v1/apps", new { name = "viewer-sees-me", images = new[] { new { imageId = image["id"]!.GetValue<string>(), target = "disk" } } });
        await local.OkAsync(HttpMethod.Post, "api/ops/v1/operators", new { name = "wall", role = "viewer", password = "wall-screen-1" });

        var page = await PageAsync();
        await ConsolePages.LoginAsync(page, Appliance.BaseUrl, "wall", "wall-screen-1");
        Assert.That(await page.TextContentAsync("#who"), Is.EqualTo("wall (viewer)"));
        await ConsolePages.OpenAsync(page, "#/apps", "apps-table");
        await page.Locator("#apps-table tbody tr", new PageLocatorOptions { HasTextString = "viewer-sees-me" }).WaitForAsync();
        await HeadlessBrowser.ScreenshotAsync(page, "viewer-apps");
        Assert.That(await page.Locator("#app-form").CountAsync(), Is.EqualTo(0), "no create form");
        Assert.That(await page.Locator("button[data-action]").CountAsync(), Is.EqualTo(0), "no start/stop/restart/purge/delete");
        await ConsolePages.OpenAsync(page, "#/images", "images-table");
        Assert.That(await page.Locator("#image-form").CountAsync() + await page.Locator("button[data-action]").CountAsync(), Is.EqualTo(0), "no upload, no delete");
        await ConsolePages.OpenAsync(page, "#/networks", "networks-table");
        Assert.That(await page.Locator("#network-form").CountAsync() + await page.Locator("button[data-action]").CountAsync(), Is.EqualTo(0));
        await page.EvaluateAsync("h => { location.hash = h; }", $"#/devices/{Appliance.DeviceId}");
        await page.Locator("#device-detail[data-loaded]").WaitForAsync();
        Assert.That(await page.Locator("#reboot-button, #update-button").CountAsync(), Is.EqualTo(0), "no reboot, no update");
        await HeadlessBrowser.ScreenshotAsync(page, "viewer-device");
    }

    [Test]
    public async Task InvalidApp_ShowsTheApiFieldAndRule_NextToTheForm_AndCreatesNothing()
    {
        var page = await PageAsync();
        await ConsolePages.LoginAsync(page, Appliance.BaseUrl, Appliance.Operator, Appliance.Password);
        await ConsolePages.OpenAsync(page, "#/apps", "apps-table");
        await page.Locator("#app-form").WaitForAsync();
        await page.FillAsync("#app-form input[name=name]", "too-small");
        await page.FillAsync("#app-form input[name=memoryMb]", "1");
        await page.ClickAsync("#app-form button[type=submit]");
        var errors = page.Locator("#app-form + .form-errors");
        await errors.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
        Assert.That(await errors.Locator("li[data-field=memoryMb]").TextContentAsync(), Does.Contain("memoryMb").And.Contain("must be 16"));
        Assert.That(await errors.Locator("li[data-field=images]").TextContentAsync(), Does.Contain("at least one image"));
        await HeadlessBrowser.ScreenshotAsync(page, "app-invalid");
        using var local = Appliance.Local();
        var (_, apps) = await local.GetAsync("api/ops/v1/apps");
        Assert.That(((JsonArray)apps!).Select(a => a!["name"]!.GetValue<string>()), Has.None.EqualTo("too-small"), "nothing half-written");
    }

    [Test]
    public async Task DeviceActions_AskFirst_AndTheBaseOsUpdateCountsDown_AndCanBeCancelled()
    {
        using var local = Appliance.Local();
        var image = await local.UploadAsync("eve-next", [7, 7, 7, 7], "raw");
        await local.OkAsync(HttpMethod.Post, "api/ops/v1/base-os", new { name = "eve-next", version = "10.9.9", imageId = image["id"]!.GetValue<string>() });
        var page = await PageAsync();
        await ConsolePages.LoginAsync(page, Appliance.BaseUrl, Appliance.Operator, Appliance.Password);
        await page.EvaluateAsync("h => { location.hash = h; }", $"#/devices/{Appliance.DeviceId}");
        await page.Locator("#device-detail[data-loaded]").WaitForAsync();

        // Reboot asks; Cancel sends nothing.
        await page.ClickAsync("#reboot-button");
        await page.Locator("#confirm[open]").WaitForAsync();
        Assert.That(await page.TextContentAsync("#confirm-text"), Does.StartWith("Reboot device"));
        await HeadlessBrowser.ScreenshotAsync(page, "reboot-confirm");
        await page.ClickAsync("#confirm-cancel");

        // Update: confirmed, then a countdown the operator can still stop.
        await ConsolePages.SelectByLabelAsync(page, "#baseos-select", "eve-next (10.9.9)");
        await page.ClickAsync("#update-button");
        await ConsolePages.ConfirmAsync(page);
        await page.Locator("#device-detail ~ .message, p.message", new PageLocatorOptions { HasTextString = "Updating to eve-next (10.9.9) in" }).First.WaitForAsync();
        await HeadlessBrowser.ScreenshotAsync(page, "update-countdown");
        await page.ClickAsync("#update-cancel");
        await page.Locator("p.message", new PageLocatorOptions { HasTextString = "Update cancelled: nothing was sent." }).WaitForAsync();

        var assignment = await local.OkAsync(HttpMethod.Get, $"api/ops/v1/devices/{Appliance.DeviceId}/assignment");
        Assert.That(assignment["baseOs"], Is.Null, "the cancelled update was never sent");
        var audit = (JsonArray)await local.OkAsync(HttpMethod.Get, "api/ops/v1/audit?kind=device");
        Assert.That(audit.Select(e => e!["action"]!.GetValue<string>()), Has.None.EqualTo("reboot").And.None.EqualTo("baseos-update"));
    }

    private static string Tail(string s) => s.Length > 4000 ? s[^4000..] : s;
}
