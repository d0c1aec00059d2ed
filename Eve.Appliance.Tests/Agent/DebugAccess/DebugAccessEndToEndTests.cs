using System.Text.Json.Nodes;
using Eve.Appliance.Agent.DebugAccess;
using Eve.Appliance.Cli;
using Eve.Appliance.Tests.Support;

namespace Eve.Appliance.Tests.Agent.DebugAccess;

/// <summary>debug.enable.ssh set and removed by the operator through the real controller, and the
/// local remote_access_disabled file overriding it, as the device reports in its info.</summary>
[TestFixture]
public sealed class DebugAccessEndToEndTests
{
    [Test]
    public async Task SshItem_FromTheController_WritesAndRemovesAuthorizedKeys_AndTheLocalSwitchWins()
    {
        using var dir = new TempDir("debug-e2e");
        var port = ApplianceProcess.FreePort();
        await using var controller = await RunningController.StartAsync(dir.Sub("controller"));
        RunningAgent.Provision(controller.BootstrapDir, dir.Sub("config"));
        await using var agent = await RunningAgent.StartAsync(dir.Sub("config"), dir.Sub("persist"), "SN-debug",
            o => o with { Tpm = "none", Sshd = new SshdSettings(ListenAddress: "127.0.0.1", Port: port) });
        var id = await agent.Agent.Onboarded.WaitAsync(TimeSpan.FromSeconds(60));
        await agent.Agent.FirstConfig.WaitAsync(TimeSpan.FromSeconds(60));
        using var admin = new AdminClient(controller.DataDir);
        var authorizedKeys = Path.Combine(dir.Sub("persist"), "ssh", "authorized_keys");
        var sshdPid = Path.Combine(dir.Sub("persist"), "ssh", "sshd.pid");
        var client = await SshClientKey.MakeAsync(dir.Sub("client"), "operator");

        await SetSshItemAsync(admin, id, client.PublicLine);
        await Eventually.WaitAsync(() => File.Exists(authorizedKeys) && File.ReadAllText(authorizedKeys) == client.PublicLine + "\n", "authorized_keys written from the config item");
        await Eventually.WaitAsync(async () => (await client.RunAsync(port, "echo ok")).Stdout.Trim() == "ok", "ssh login with the configured key through the agent's sshd");
        var pid = int.Parse(File.ReadAllText(sshdPid).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            await SetSshItemAsync(admin, id, null);
            await Eventually.WaitAsync(() => !File.Exists(authorizedKeys), "authorized_keys removed when the item goes");
            await Eventually.WaitAsync(() => !Directory.Exists($"/proc/{pid}"), "sshd stopped when the item goes");

            File.WriteAllText(Path.Combine(dir.Sub("config"), RemoteAccessSwitch.FileName), "");
            await SetSshItemAsync(admin, id, client.PublicLine);
            await Eventually.WaitAsync(async () =>
            {
                var all = (await admin.GetAsync($"admin/devices/{id}/info")) as JsonArray;
                var dinfo = all?.FirstOrDefault(i => i!["kind"]!.GetValue<string>() == "ZiDevice")?["message"]?["dinfo"];
                return dinfo?["remoteAccessDisabled"]?.GetValue<bool>() == true
                       && dinfo["configItemStatus"]?["configItems"]?[DebugAccessSubsystem.SshItem]?["error"]?.GetValue<string>().Contains("remote access is disabled") == true;
            }, "device info reports remote access disabled and the ignored item");
            Assert.That(File.Exists(authorizedKeys), Is.False, "remote_access_disabled overrides debug.enable.ssh");
            Assert.That(File.Exists(sshdPid), Is.False, "no sshd while remote access is disabled");
            Assert.That((await client.RunAsync(port, "echo ok")).ExitCode, Is.EqualTo(255));
        }
        finally
        {
            // Also when an assertion failed: no sshd of this test outlives it.
            if (Directory.Exists($"/proc/{pid}") && File.ReadAllText($"/proc/{pid}/cmdline").Contains(dir.Path, StringComparison.Ordinal))
                System.Diagnostics.Process.GetProcessById(pid).Kill(entireProcessTree: true);
        }
    }

    private static async Task SetSshItemAsync(AdminClient admin, string id, string? value)
    {
        var config = (await admin.GetAsync($"admin/devices/{id}/config"))!["config"]!.AsObject();
        var items = config["configItems"] as JsonArray ?? [];
        foreach (var old in items.Where(i => i!["key"]!.GetValue<string>() == DebugAccessSubsystem.SshItem).ToList()) items.Remove(old);
        if (value != null) items.Add(new JsonObject { ["key"] = DebugAccessSubsystem.SshItem, ["value"] = value });
        config["configItems"] = items.DeepClone();
        await admin.PutTextAsync($"admin/devices/{id}/config", config.ToJsonString());
    }
}
