using System.Text.Json.Nodes;
using Eve.Appliance.Cli;
using Eve.Appliance.Tests.Support;

namespace Eve.Appliance.Tests.Agent.Telemetry.Logs;

/// <summary>The whole `eve-appliance run`: the operator sets debug.default.loglevel in the device's config
/// and the console and log file follow at once, while what is uploaded keeps its own level.</summary>
[TestFixture]
public sealed class LogLevelsInRunTests
{
    [Test]
    public async Task LocalLevelFromConfig_SilencesConsoleAndFile_ButUploadsStillFollowTheRemoteLevel()
    {
        using var dir = new TempDir("loglevels-run");
        var data = dir.Sub("data");
        var port = ApplianceProcess.FreePort();
        using var appliance = ApplianceProcess.Start("run", "--data-dir", data, "--listen", $"127.0.0.1:{port}", "--tpm", "none", "--serial", "SN-loglevels", "--log-interval", "1");
        try
        {
            await Eventually.WaitAsync(() => File.Exists(Path.Combine(data, "run", "admin.sock")), () => "appliance up: " + appliance.Output);
            using var admin = new AdminClient(data);
            var id = (await Eventually.WaitAsync(async () => (await admin.GetAsync("admin/devices"))?.AsArray().FirstOrDefault()?["id"]?.GetValue<string>(), () => "device onboarded: " + appliance.Output))!;
            await Eventually.WaitAsync(() => appliance.Output.Contains("applied config version", StringComparison.Ordinal), () => "first config: " + appliance.Output);

            async Task<string> SetAsync(string level)
            {
                var config = (await admin.GetAsync($"admin/devices/{id}/config"))!["config"]!.AsObject();
                var items = config["configItems"]?.AsArray() ?? [];
                foreach (var old in items.Where(i => i!["key"]!.GetValue<string>() == "debug.default.loglevel").ToList()) items.Remove(old);
                items.Add(new JsonObject { ["key"] = "debug.default.loglevel", ["value"] = level });
                config["configItems"] = items;
                return (await admin.PutTextAsync($"admin/devices/{id}/config", config.ToJsonString()))!["hash"]!.GetValue<string>();
            }

            // The agent logs "applied config ... (hash H)" at info right after applying the config that
            // carries the level: with error locally it must not show locally, but still reach the controller.
            var quiet = await SetAsync("error");
            var uploaded = new ControllerLogReader(data, id, quiet);
            await Eventually.WaitAsync(async () => (await uploaded.ReadAsync()).Count > 0, () => "the info line under a local 'error' is still uploaded");
            var logFile = Path.Combine(data, "logs", "eve-appliance.log");
            Assert.That(appliance.Output, Does.Not.Contain(quiet), "not on the console");
            Assert.That(File.ReadAllText(logFile), Does.Not.Contain(quiet), "not in the log file");

            var loud = await SetAsync("info");
            await Eventually.WaitAsync(() => appliance.Output.Contains(loud, StringComparison.Ordinal), () => "back at info, the console shows the line again: " + appliance.Output[^Math.Min(3000, appliance.Output.Length)..]);
            await Eventually.WaitAsync(() => File.ReadAllText(logFile).Contains(loud, StringComparison.Ordinal), "and the log file");
            await appliance.StopAsync();
        }
        finally
        {
            TestContext.Out.WriteLine(appliance.Output.Length > 4000 ? appliance.Output[^4000..] : appliance.Output);
        }
    }
}
