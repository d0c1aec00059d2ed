namespace Eve.Appliance.Tests.Support;

[TestFixture]
public sealed class HeadlessBrowserTests
{
    [Test]
    public async Task DebianChromium_RunsScript_AndKeepsAScreenshot()
    {
        await using var browser = await HeadlessBrowser.LaunchAsync();
        var page = await browser.NewPageAsync();
        await page.SetContentAsync("<button id=b onclick=\"this.textContent='clicked ' + (6*7)\">press</button>");
        await page.ClickAsync("#b");
        Assert.That(await page.TextContentAsync("#b"), Is.EqualTo("clicked 42"));
        var shot = await HeadlessBrowser.ScreenshotAsync(page, "button");
        Assert.That(new FileInfo(shot).Length, Is.GreaterThan(1000));
    }
}
