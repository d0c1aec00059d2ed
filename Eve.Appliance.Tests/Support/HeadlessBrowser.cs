using Eve.Appliance.Tests.Platform.Qemu;
using Microsoft.Playwright;

namespace Eve.Appliance.Tests.Support;

/// <summary>
/// Debian's Chromium, headless, driven by Playwright: the console is tested in a real browser, not a
/// DOM imitation. Playwright's own browser download is not reachable here, so it launches the binary
/// `scripts/setup` installs. Screenshots go to artifacts/screenshots (kept by CI) and are attached
/// to the NUnit result.
/// </summary>
internal sealed class HeadlessBrowser : IAsyncDisposable
{
    // The real binary, not the /usr/bin/chromium wrapper script (which only adds flags and noise).
    private const string DebianChromium = "/usr/lib/chromium/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private HeadlessBrowser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    public static string ScreenshotDir => Path.Combine(TestGuest.RepoRoot(), "artifacts", "screenshots");

    public static async Task<HeadlessBrowser> LaunchAsync()
    {
        if (!File.Exists(DebianChromium))
            throw new InvalidOperationException($"{DebianChromium} is missing: run scripts/setup (Debian package 'chromium').");
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = DebianChromium,
                Headless = true,
                // Tests run as root; Chromium refuses its sandbox as root. /dev/shm is small in containers.
                Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
                Timeout = 120_000,
            });
            return new HeadlessBrowser(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A fresh context (own cookies and storage) that accepts the controller's self-signed TLS.</summary>
    public async Task<IPage> NewPageAsync(string? baseUrl = null)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            IgnoreHTTPSErrors = true,
            BaseURL = baseUrl,
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        });
        // Generous: pages are served by an appliance that shares 2 cores with QEMU under TCG.
        context.SetDefaultTimeout(60_000);
        return await context.NewPageAsync();
    }

    /// <summary>Saves a full-page screenshot as a test artefact and returns its path.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotDir);
        var test = TestContext.CurrentContext.Test.Name;
        var safe = string.Concat($"{test}-{name}".Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
        var path = Path.Combine(ScreenshotDir, safe + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.AddTestAttachment(path, name);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.CloseAsync();
        _playwright.Dispose();
    }
}
