using Microsoft.Playwright;

namespace Eve.Appliance.Tests.Controller.Console;

/// <summary>What an operator does in the console, as Playwright steps (selectors in one place).</summary>
internal static class ConsolePages
{
    public static async Task LoginAsync(IPage page, string baseUrl, string name, string password)
    {
        await page.GotoAsync($"{baseUrl}/console/");
        await page.FillAsync("#login-form input[name=name]", name);
        await page.FillAsync("#login-form input[name=password]", password);
        await page.ClickAsync("#login-form button[type=submit]");
        await page.Locator("#top").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
    }

    /// <summary>Navigates to a page (#/devices…) and waits until its table is filled.</summary>
    public static async Task OpenAsync(IPage page, string hash, string tableId)
    {
        await page.EvaluateAsync("h => { location.hash = h; }", hash);
        await page.Locator($"#{tableId}[data-loaded]").WaitForAsync();
    }

    public static async Task<int> RowsAsync(IPage page, string tableId) =>
        await page.Locator($"#{tableId} tbody tr[data-id]").CountAsync();

    public static async Task<string?> AttributeAsync(IPage page, string selector, string name) =>
        await page.Locator(selector).GetAttributeAsync(name);

    /// <summary>Uploads a file through the images page and waits for the page to say it is done.</summary>
    public static async Task UploadAsync(IPage page, string path, string format)
    {
        await page.SetInputFilesAsync("#image-form input[name=file]", path);
        await page.SelectOptionAsync("#image-form select[name=format]", format);
        await page.ClickAsync("#image-form button[type=submit]");
        await page.Locator("#upload-progress-text", new PageLocatorOptions { HasTextString = $"Uploaded {Path.GetFileName(path)}" }).WaitForAsync();
    }

    public static Task SelectByLabelAsync(IPage page, string selector, string label) =>
        page.SelectOptionAsync(selector, new SelectOptionValue { Label = label });

    /// <summary>Clicks OK in the console's own confirmation dialog.</summary>
    public static async Task ConfirmAsync(IPage page)
    {
        await page.Locator("#confirm[open]").WaitForAsync();
        await page.ClickAsync("#confirm-ok");
    }
}
