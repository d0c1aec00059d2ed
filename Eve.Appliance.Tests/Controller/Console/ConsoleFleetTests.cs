using System.Diagnostics;
using System.Net;
using Eve.Appliance.Tests.Controller.Ops;
using Eve.Appliance.Tests.Support;
using Microsoft.Playwright;

namespace Eve.Appliance.Tests.Controller.Console;

/// <summary>The console's pages over a store with 50 devices and 500 apps (in Chromium, over the
/// TLS operator listener), the static file server's headers, and — in category Bench — the figures:
/// page load times and the list endpoints' latency.</summary>
[TestFixture]
public sealed class ConsoleFleetTests
{
    private ConsoleFleet? _fleet;
    private HeadlessBrowser? _browser;

    private ConsoleFleet Fleet => _fleet!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _fleet = await ConsoleFleet.StartAsync();
        _browser = await HeadlessBrowser.LaunchAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_browser != null) await _browser.DisposeAsync();
        if (_fleet != null) await _fleet.DisposeAsync();
    }

    private async Task<IPage> LoggedInAsync()
    {
        var page = await _browser!.NewPageAsync();
        await ConsolePages.LoginAsync(page, Fleet.BaseUrl, Fleet.Operator, Fleet.Password);
        return page;
    }

    [Test]
    public async Task Pages_ShowTheWholeFleet_PageByPage()
    {
        var page = await LoggedInAsync();
        await ConsolePages.OpenAsync(page, "#/devices", "devices-table");
        Assert.That(await ConsolePages.AttributeAsync(page, "#devices-table", "data-total"), Is.EqualTo($"{ConsoleFleet.Devices}"));
        Assert.That(await ConsolePages.RowsAsync(page, "devices-table"), Is.EqualTo(ConsoleFleet.Devices));
        Assert.That(await page.Locator("#devices-table .badge[data-state=ONLINE]").CountAsync(), Is.EqualTo(ConsoleFleet.Devices), "reported state");
        Assert.That(await page.Locator("#devices-table tbody tr", new PageLocatorOptions { HasTextString = "10.4.0" }).CountAsync(), Is.EqualTo(ConsoleFleet.Devices), "reported version");
        await HeadlessBrowser.ScreenshotAsync(page, "fleet-devices");

        await ConsolePages.OpenAsync(page, "#/apps", "apps-table");
        Assert.That(await ConsolePages.AttributeAsync(page, "#apps-table", "data-total"), Is.EqualTo($"{ConsoleFleet.Apps}"));
        var rows = await ConsolePages.RowsAsync(page, "apps-table");
        // 200 a page where the API pages its lists (X-Total-Count); all 500 where it answers one page.
        Assert.That(rows, Is.EqualTo(200).Or.EqualTo(ConsoleFleet.Apps));
        await page.Locator("#apps-table .badge[data-state=RUNNING]").First.WaitForAsync();
        Assert.That(await page.Locator("#apps-table .badge[data-state=RUNNING]").CountAsync(), Is.EqualTo(rows), "each app as its device reports it");
        Assert.That(await page.TextContentAsync(".pager-info"), Is.EqualTo($"1–{rows} of {ConsoleFleet.Apps}"));
        await HeadlessBrowser.ScreenshotAsync(page, "fleet-apps");
        if (rows < ConsoleFleet.Apps)
        {
            await page.ClickAsync(".pager button:has-text('Next')");
            await page.Locator(".pager-info", new PageLocatorOptions { HasTextString = $"201–400 of {ConsoleFleet.Apps}" }).WaitForAsync();
            Assert.That(await page.Locator("#apps-table tbody tr").First.TextContentAsync(), Does.StartWith("app-200"));
        }

        await ConsolePages.OpenAsync(page, "#/audit", "audit-table");
        Assert.That(await ConsolePages.RowsAsync(page, "audit-table"), Is.GreaterThan(0), "the fill's own changes");
        await HeadlessBrowser.ScreenshotAsync(page, "fleet-audit");
    }

    [Test]
    public async Task ConsoleFiles_CarryAStrictCsp_AndRevalidateByETag_AndRootRedirects()
    {
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true, AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(Fleet.BaseUrl) };
        using (var root = await http.GetAsync("/"))
        {
            Assert.That(root.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
            Assert.That(root.Headers.Location?.ToString(), Is.EqualTo("/console/"));
        }
        using var index = await http.GetAsync("/console/");
        Assert.That(index.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(index.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        var csp = string.Join(";", index.Headers.GetValues("Content-Security-Policy"));
        Assert.That(csp, Does.Contain("script-src 'self'").And.Contain("frame-ancestors 'none'").And.Not.Contain("unsafe"));
        using var js = await http.GetAsync("/console/pages/apps.js");
        Assert.That(js.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/javascript"));
        using var again = new HttpRequestMessage(HttpMethod.Get, "/console/pages/apps.js");
        again.Headers.IfNoneMatch.Add(js.Headers.ETag!);
        using var notModified = await http.SendAsync(again);
        Assert.That(notModified.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
        using var missing = await http.GetAsync("/console/nope.js");
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        using var api = await http.GetAsync("/api/ops/v1/apps");
        Assert.That(api.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the API behind it still wants a token");
    }

    /// <summary>Figures: each main page's load (fresh navigation until its table is filled) and the
    /// API's latency for the lists behind them, with 50 devices and 500 apps in the store.</summary>
    [Test]
    [Category("Bench")]
    public async Task Figures_PageLoadAndListLatency_With50DevicesAnd500Apps()
    {
        const int Loads = 10, Requests = 200;
        var page = await LoggedInAsync();
        var pages = new (string Hash, string Table)[] { ("#/devices", "devices-table"), ("#/apps", "apps-table"), ("#/networks", "networks-table"), ("#/images", "images-table"), ("#/audit", "audit-table") };
        var lines = new List<string> { "| what | n | p50 ms | p99 ms | max ms |", "|---|---|---|---|---|" };
        foreach (var (hash, table) in pages)
        {
            var times = new List<double>();
            for (var i = 0; i < Loads; i++)
            {
                await page.GotoAsync("about:blank");
                var sw = Stopwatch.StartNew();
                await page.GotoAsync($"{Fleet.BaseUrl}/console/{hash}");
                await page.Locator($"#{table}[data-loaded]").WaitForAsync();
                times.Add(sw.Elapsed.TotalMilliseconds);
            }
            lines.Add(Row($"page {hash} (rows {await ConsolePages.RowsAsync(page, table)})", times));
        }

        using var api = OpsHttp.Tls(Fleet.OpsPort, Fleet.Token);
        foreach (var path in new[] { "devices", "apps", "apps?limit=200&offset=0", "device-status", "app-states" })
        {
            var times = new List<double>();
            for (var i = 0; i < Requests; i++)
            {
                var sw = Stopwatch.StartNew();
                var (status, _) = await api.GetAsync($"api/ops/v1/{path}");
                times.Add(sw.Elapsed.TotalMilliseconds);
                Assert.That(status, Is.EqualTo(HttpStatusCode.OK), path);
            }
            lines.Add(Row($"GET /api/ops/v1/{path}", times));
        }
        var report = $"console with {ConsoleFleet.Devices} devices, {ConsoleFleet.Apps} apps (load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}):\n{string.Join('\n', lines)}";
        TestContext.Out.WriteLine(report);
        TestContext.Progress.WriteLine(report);
    }

    private static string Row(string what, List<double> ms)
    {
        ms.Sort();
        double At(double q) => ms[Math.Min(ms.Count - 1, (int)Math.Ceiling(q * ms.Count) - 1)];
        return $"| {what} | {ms.Count} | {At(0.5):F1} | {At(0.99):F1} | {ms[^1]:F1} |";
    }
}
