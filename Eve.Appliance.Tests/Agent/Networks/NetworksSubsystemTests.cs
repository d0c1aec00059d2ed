using System.Text.Json.Nodes;
using Eve.Appliance.Agent.Networks;
using Eve.Appliance.Cli;
using Eve.Appliance.Platform.Processes;
using Eve.Appliance.Tests.Platform.Net;
using Eve.Appliance.Tests.Support;
using Google.Protobuf;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Tests.Agent.Networks;

/// <summary>The networks part inside the agent: an operator's network instance reaches the device
/// through the real controller, becomes a bridge + dnsmasq + nft table in the device namespace, is
/// reported back as ZInfoNetworkInstance, and goes away when the operator deletes it.</summary>
[TestFixture]
public sealed class NetworksSubsystemTests
{
    [Test]
    public async Task OperatorNetworkInstance_IsBuiltInTheDeviceNamespace_Reported_AndRemoved()
    {
        await using var lab = new NetnsLab();
        var ns = await lab.AddNetnsAsync("dev");
        using var dir = new TempDir("netsub");
        try
        {
            await RunAsync(lab, ns, dir);
        }
        finally
        {
            // The subsystem leaves dnsmasq running on purpose (a restarted appliance adopts it); a
            // test that failed half-way stops what it started, by the pids in its run folder.
            foreach (var pidFile in Directory.Exists(dir.Sub("run")) ? Directory.GetFiles(dir.Sub("run"), "*.pid", SearchOption.AllDirectories) : [])
                if (int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid)
                    && File.Exists($"/proc/{pid}/cmdline") && File.ReadAllText($"/proc/{pid}/cmdline").Contains(dir.Path))
                    Posix.Kill(pid, 15);
        }
    }

    private static async Task RunAsync(NetnsLab lab, string ns, TempDir dir)
    {
        var subsystem = new NetworksSubsystem(new NetworksOptions(ns, dir.Sub("run")), [], ProcessRunner.Default);
        await using var controller = await RunningController.StartAsync(dir.Sub("controller"));
        RunningAgent.Provision(controller.BootstrapDir, dir.Sub("config"));
        await using var agent = await RunningAgent.StartAsync(dir.Sub("config"), dir.Sub("persist"), "SN-net-1", subsystems: [subsystem]);
        var id = await agent.Agent.Onboarded.WaitAsync(TimeSpan.FromSeconds(60));

        var niUuid = Guid.NewGuid().ToString();
        var appUuid = Guid.NewGuid().ToString();
        using var admin = new AdminClient(controller.DataDir);
        var config = Org.Lfedge.Eve.Config.EdgeDevConfig.Parser.ParseJson((await admin.GetAsync($"admin/devices/{id}/config"))!["config"]!.ToJsonString());
        config.NetworkInstances.Add(NetworkConfigs.Local(niUuid, $"10.97.{NetnsLab.UniqueOctet()}.0/24", null, "plant-local"));
        var app = new AppInstanceConfig { Uuidandversion = new UUIDandVersion { Uuid = appUuid, Version = "1" }, Displayname = "web" };
        app.Interfaces.Add(new NetworkAdapter { Name = "eth0", NetworkId = niUuid });
        config.Apps.Add(app);
        await admin.PutTextAsync($"admin/devices/{id}/config", JsonFormatter.Default.Format(config));

        var bridge = NetworkNames.Bridge(niUuid);
        await Eventually.WaitAsync(async () => (await lab.TryExecAsync(ns, "ip", "link", "show", bridge)).ExitCode == 0, "bridge in the device namespace");
        await Eventually.WaitAsync(async () => (await lab.TryExecAsync(ns, "ip", "link", "show", NetworkNames.Vif(appUuid, 0))).ExitCode == 0, "the app's tap");
        var info = await Eventually.WaitAsync(async () =>
        {
            var all = await admin.GetAsync($"admin/devices/{id}/info") as JsonArray;
            return all!.FirstOrDefault(i => i!["kind"]!.GetValue<string>() == "ZiNetworkInstance" && i["objectId"]!.GetValue<string>() == niUuid
                                            && i["message"]!["niinfo"]!["state"]?.GetValue<string>() == "ZNETINST_STATE_ONLINE");
        }, () => "network instance info ONLINE; last pass: " + string.Join("; ", subsystem.LastStatus?.Instances.SelectMany(i => i.Errors) ?? []));
        Assert.That(info["message"]!["niinfo"]!["bridgeName"]!.GetValue<string>(), Is.EqualTo(bridge));
        Assert.That(info["message"]!["niinfo"]!["vifs"]!.AsArray().Single()!["appID"]!.GetValue<string>(), Is.EqualTo(appUuid));

        config.Apps.Clear();
        config.NetworkInstances.Clear();
        await admin.PutTextAsync($"admin/devices/{id}/config", JsonFormatter.Default.Format(config));
        await Eventually.WaitAsync(async () => (await lab.TryExecAsync(ns, "ip", "link", "show", bridge)).ExitCode != 0, "bridge removed");
        Assert.That((await lab.TryExecAsync(ns, "nft", "list", "table", "inet", NetworkNames.NftTable(niUuid))).ExitCode, Is.Not.EqualTo(0));
    }
}
