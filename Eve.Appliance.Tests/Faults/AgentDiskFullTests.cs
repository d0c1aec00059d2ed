using System.Text.Json;
using System.Text.Json.Nodes;
using Eve.Appliance.Agent.Node;
using Eve.Appliance.Api.NewLogs;
using Eve.Appliance.Cli;
using Eve.Appliance.Tests.Agent.Telemetry.Logs;
using Eve.Appliance.Tests.Support;
using Microsoft.Extensions.Logging;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Tests.Faults;

/// <summary>The agent's persist folder fills up for real (a small tmpfs) while it runs against the real
/// controller: log spool, info outbox and config checkpoint writes fail with errors in words, nothing
/// already on disk is damaged, the agent keeps going, and the backlog reaches the controller once space
/// returns. (Downloads: Agent/Content/DownloaderDiskFullTests.)</summary>
[TestFixture]
public sealed class AgentDiskFullTests
{
    [Test]
    public async Task AgentPersistFull_ErrorsInWords_NothingCorrupted_BacklogDrainsWhenSpaceReturns()
    {
        using var dir = new TempDir("agent-diskfull");
        using var disk = new TmpfsMount(dir.Sub("persist"), 32L << 20);
        var persist = Path.Combine(disk.Path, "persist");
        await using var controller = await RunningController.StartAsync(dir.Sub("controller"));
        RunningAgent.Provision(controller.BootstrapDir, dir.Sub("config"));
        var mode = new MaintenanceMode();
        var maintenance = new MaintenanceSubsystem(mode, new MaintenanceOptions { MinFreeBytes = 1L << 20, CheckInterval = TimeSpan.FromMilliseconds(500) });
        await using var agent = await RunningAgent.StartAsync(dir.Sub("config"), persist, "SN-agent-full", subsystems: [maintenance], maintenance: mode);
        var id = await agent.Agent.Onboarded.WaitAsync(TimeSpan.FromSeconds(60));
        await agent.Agent.FirstConfig.WaitAsync(TimeSpan.FromSeconds(60));
        using var admin = new AdminClient(controller.DataDir);
        await Eventually.WaitAsync(async () => await DeviceInfoAsync(admin, id) != null, "device info before the disk fills");
        var checkpoint = Path.Combine(persist, "checkpoint", "lastconfig");
        var checkpointBefore = await File.ReadAllBytesAsync(checkpoint);
        var log = agent.Spool.LoggerProvider.CreateLogger("DiskFullTest");
        log.LogInformation("disk-full-test before the disk filled");

        var filler = disk.Fill();
        try
        {
            // The operator changes the config while the device's disk is full.
            var config = (await admin.GetAsync($"admin/devices/{id}/config"))!["config"]!.AsObject();
            config["configItems"]!.AsArray().Add(new JsonObject { ["key"] = "app.test.marker", ["value"] = "while-full" });
            var hash = (await admin.PutTextAsync($"admin/devices/{id}/config", config.ToJsonString()))!["hash"]!.GetValue<string>();
            await Eventually.WaitAsync(() => agent.Hub.Current?.Hash == hash, "the agent runs on the new config although it cannot checkpoint it");
            for (var i = 1; i <= 50; i++) log.LogWarning("disk-full-test line {N} while full", i);

            Assert.That(agent.Spool.Writer.Hold.Fault, Does.Contain("No space left on device"), "the spool knows why, in words");
            Assert.That(await File.ReadAllBytesAsync(checkpoint), Is.EqualTo(checkpointBefore), "the previous checkpoint is untouched");
            Assert.That(ConfigResponse.Parser.ParseFrom(agent.Agent.Session!.TryOpenOffline(checkpointBefore)!).ConfigHash, Is.Not.EqualTo(hash), "and still verifies and parses");

            // Info still reaches the controller (from memory): maintenance mode for low disk space.
            await Eventually.WaitAsync(async () => (await DeviceInfoAsync(admin, id))?["maintenanceMode"]?.GetValue<bool>() == true,
                () => "device info says maintenance mode (low disk space) while full");
            var reasons = (await DeviceInfoAsync(admin, id))!["maintenanceModeReasons"]!.AsArray().Select(r => r!.ToString());
            Assert.That(reasons, Does.Contain("MAINTENANCE_MODE_REASON_LOW_DISK_SPACE"));
            Assert.That(agent.Agent.Outbox!.WriteFault, Does.Contain("No space left on device"));

            // Nothing on disk is torn: chunks decode, segments hold whole lines.
            AssertSpoolIntact(Path.Combine(persist, "newlog"));
            var polled = agent.Agent.Poller!.LastSuccess;
            await Eventually.WaitAsync(() => agent.Agent.Poller.LastSuccess > polled, "config polls go on while full");
            Assert.That(agent.Agent.ExecuteTask!.IsCompleted, Is.False, "the agent is running");
        }
        finally
        {
            File.Delete(filler);
        }

        var reader = new ControllerLogReader(controller.DataDir, id, "disk-full-test");
        await Eventually.WaitAsync(async () => (await reader.ReadAsync()).Count >= 51, () => $"backlog drained: {reader.Lines.Count} of 51 lines", seconds: 120);
        var contents = reader.Lines.Select(l => l.Content).ToList();
        Assert.That(contents, Has.Count.EqualTo(51).And.Unique, "each line once: 1 before, 50 while full");
        Assert.That(contents, Does.Contain("disk-full-test before the disk filled"));
        for (var i = 1; i <= 50; i++) Assert.That(contents, Does.Contain($"disk-full-test line {i} while full"));

        var words = new ControllerLogReader(controller.DataDir, id, "No space left on device");
        await Eventually.WaitAsync(async () =>
        {
            var lines = (await words.ReadAsync()).Select(l => l.Content).ToList();
            return lines.Any(l => l.StartsWith("log spool: cannot write", StringComparison.Ordinal))
                && lines.Any(l => l.StartsWith("config checkpoint not saved", StringComparison.Ordinal))
                && lines.Any(l => l.StartsWith("outbox: cannot write", StringComparison.Ordinal));
        }, () => "the errors reached the controller in words: " + string.Join("\n", words.Lines.Select(l => l.Content)));
        await Eventually.WaitAsync(async () => (await new ControllerLogReader(controller.DataDir, id, "log spool: writing to").ReadAsync()).Count == 1, "the spool says it writes again");

        await Eventually.WaitAsync(() => File.Exists(checkpoint) && !File.ReadAllBytes(checkpoint).AsSpan().SequenceEqual(checkpointBefore), "the new config is checkpointed once space returns");
        var saved = ConfigResponse.Parser.ParseFrom(agent.Agent.Session!.TryOpenOffline(await File.ReadAllBytesAsync(checkpoint))!);
        Assert.That(saved.Config.ConfigItems.Any(c => c.Key == "app.test.marker" && c.Value == "while-full"), Is.True);
        await Eventually.WaitAsync(async () => (await DeviceInfoAsync(admin, id))?["maintenanceMode"]?.GetValue<bool>() != true, "maintenance mode ends");
        await Eventually.WaitAsync(() => agent.Agent.Outbox!.Held == 0 && agent.Agent.Outbox.WriteFault == null, "the outbox writes to disk again");
        AssertSpoolIntact(Path.Combine(persist, "newlog"), segments: false); // the agent writes segments meanwhile
    }

    private static async Task<JsonNode?> DeviceInfoAsync(AdminClient admin, string id) =>
        ((await admin.GetAsync($"admin/devices/{id}/info")) as JsonArray)?.FirstOrDefault(i => i!["kind"]!.GetValue<string>() == "ZiDevice")?["message"]?["dinfo"];

    private static void AssertSpoolIntact(string newlog, bool segments = true)
    {
        foreach (var chunk in new[] { "pending", "sent" }.Select(d => Path.Combine(newlog, d)).Where(Directory.Exists).SelectMany(Directory.EnumerateFiles))
        {
            Assert.That(chunk, Does.EndWith(".gz"), "no torn chunk (.tmp) left behind");
            Assert.DoesNotThrow(() => NewLogsCodec.Decode(File.ReadAllBytes(chunk)), chunk);
        }
        foreach (var segment in segments ? Directory.EnumerateFiles(Path.Combine(newlog, "segments")) : [])
        {
            var text = File.ReadAllText(segment);
            Assert.That(text == "" || text.EndsWith('\n'), Is.True, $"{segment} ends with a whole line");
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                Assert.DoesNotThrow(() => JsonDocument.Parse(line).Dispose(), $"{segment}: {line}");
        }
    }
}
