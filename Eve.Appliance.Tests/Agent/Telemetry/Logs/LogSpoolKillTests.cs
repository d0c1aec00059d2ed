using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Eve.Appliance.Cli;
using Eve.Appliance.Tests.Support;

namespace Eve.Appliance.Tests.Agent.Telemetry.Logs;

/// <summary>kill -9 of a real `eve-appliance run` (controller and agent in one process) while its log
/// drill writes and uploads: every drill line the process printed — which the spool took before the
/// console printed it — reaches the controller exactly once, in order, over all the kills.</summary>
[TestFixture]
public sealed partial class LogSpoolKillTests
{
    private const int Kills = 4;

    [GeneratedRegex(@"log-drill (?<run>[0-9a-f]{8}) line (?<line>\d+)")]
    private static partial Regex DrillLine();

    [Test]
    public async Task KillNineMidUpload_LosesNoAcceptedLine_AndDuplicatesNone()
    {
        using var dir = new TempDir("killspool");
        var data = dir.Sub("data");
        var listen = $"127.0.0.1:{ApplianceProcess.FreePort()}";
        var printed = new Dictionary<string, long>(); // run → highest line number seen on stdout
        string? device = null;
        ControllerLogReader? reader = null;
        var random = new Random(9);
        for (var kill = 0; kill < Kills; kill++)
        {
            using var p = ApplianceProcess.Start("run", "--data-dir", data, "--listen", listen, "--tpm", "none", "--serial", "SN-kill",
                "--log-drill", "200", "--log-interval", "1");
            try
            {
                device ??= await DeviceIdAsync(data, p);
                reader ??= new ControllerLogReader(data, device, "log-drill ");
                var run = await Eventually.WaitAsync(() => Task.FromResult(DrillLine().Match(p.Output) is { Success: true } m ? m.Groups["run"].Value : null),
                    () => $"the drill's first line; output:\n{p.Output}");
                // Uploads of this run are flowing: the kill lands mid-stream, at a different moment each time.
                await Eventually.WaitAsync<object>(async () => (await reader!.ReadAsync()).Any(l => l.Content.Contains(run, StringComparison.Ordinal)) ? run : null,
                    () => $"lines of run {run} at the controller; output:\n{p.Output}", 120);
                await Task.Delay(random.Next(100, 1500));
            }
            finally
            {
                p.Kill9();
            }
            foreach (Match m in DrillLine().Matches(p.Output))
                printed[m.Groups["run"].Value] = Math.Max(printed.GetValueOrDefault(m.Groups["run"].Value), long.Parse(m.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture));
        }

        // A last start without the drill uploads what the killed runs left in the spool.
        using (var last = ApplianceProcess.Start("run", "--data-dir", data, "--listen", listen, "--tpm", "none", "--serial", "SN-kill", "--log-interval", "1"))
        {
            try
            {
                foreach (var (run, highest) in printed)
                {
                    await Eventually.WaitAsync<object>(async () => LinesOfRun(await reader!.ReadAsync(), run).Count >= highest ? run : null,
                        () => $"run {run}: {highest} printed lines at the controller; output:\n{last.Output}", 180);
                }
                await reader!.ReadAsync(); // the last of them, while the controller still runs
            }
            finally
            {
                await last.StopAsync();
            }
        }

        Assert.That(printed, Has.Count.EqualTo(Kills));
        var total = 0L;
        foreach (var (run, highest) in printed)
        {
            var lines = LinesOfRun(reader!.Lines, run);
            total += lines.Count;
            // Lines past the last printed one may be there too (accepted, not yet printed): they must
            // still be contiguous, ordered and unique.
            Assert.That(lines, Is.EqualTo(Enumerable.Range(1, lines.Count).Select(i => (long)i)), $"run {run}: 1..{lines.Count} once each, in order");
            Assert.That(lines.Count, Is.GreaterThanOrEqualTo(highest), $"run {run}: every printed line arrived");
        }
        TestContext.Out.WriteLine($"{Kills} kill -9 runs: {total} drill lines at the controller, 0 lost, 0 duplicated; printed per run: {string.Join(", ", printed.Values)}");
    }

    private static List<long> LinesOfRun(List<(string Content, string AppId)> lines, string run) =>
        lines.Select(l => DrillLine().Match(l.Content)).Where(m => m.Success && m.Groups["run"].Value == run)
            .Select(m => long.Parse(m.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();

    private static async Task<string> DeviceIdAsync(string data, ApplianceProcess p) =>
        await Eventually.WaitAsync(async () =>
        {
            if (!File.Exists(Eve.Appliance.Controller.ControllerServer.AdminSocketPath(data))) return null;
            using var admin = new AdminClient(data);
            var devices = (JsonArray)(await admin.GetAsync("admin/devices"))!;
            return devices.Count > 0 ? devices[0]!["id"]!.GetValue<string>() : null;
        }, () => $"the device onboarded; output:\n{p.Output}", 120);
}
