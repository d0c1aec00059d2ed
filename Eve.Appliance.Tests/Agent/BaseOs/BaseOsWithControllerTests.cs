using System.Text.Json.Nodes;
using Eve.Appliance.Agent.BaseOs;
using Eve.Appliance.Agent.Node;
using Eve.Appliance.Cli;
using Eve.Appliance.Platform.Gpt;
using Eve.Appliance.Platform.Processes;
using Eve.Appliance.Tests.Agent.Content;
using Eve.Appliance.Tests.Support;
using S = Eve.Appliance.Agent.BaseOs.EvePartitionState;

namespace Eve.Appliance.Tests.Agent.BaseOs;

/// <summary>End to end: the operator puts `baseos` (with its content tree and an HTTP datastore)
/// into the device's config through the real controller; the real agent fetches it, the base-OS
/// subsystem downloads the image from a local HTTP server, writes the other partition of a test
/// disk image, stages it and asks to reboot, and the controller sees it in swList.</summary>
[TestFixture]
public sealed class BaseOsWithControllerTests
{
    [Test]
    public async Task OperatorSetsBaseOs_AgentWritesTheOtherPartition_AndReportsIt()
    {
        using var dir = new TempDir("baseos-e2e");
        await using var machine = await AbMachine.CreateAsync("baseos-e2e-disk");
        var (image, sha) = await SquashfsImage.BuildAsync(machine.Dir, "2.0");
        await using var server = await BlobTestServer.StartAsync();
        server.Objects["images/rootfs-2.0.img"] = await File.ReadAllBytesAsync(image);

        var reboot = new FakeReboot();
        var baseos = new BaseOsSubsystem(
            new BaseOsOptions { BootDisk = machine.Disk, CurrentPartition = "IMGA", GateInterval = TimeSpan.FromMilliseconds(50), RetryInterval = TimeSpan.FromSeconds(1) },
            reboot, new BootHistory(dir.Sub("persist"), TimeProvider.System), _ => [], new ImageVersionReader(ProcessRunner.Default));
        await using var controller = await RunningController.StartAsync(dir.Sub("controller"));
        RunningAgent.Provision(controller.BootstrapDir, dir.Sub("config"));
        await using var agent = await RunningAgent.StartAsync(dir.Sub("config"), dir.Sub("persist"), "SN-baseos-1", subsystems: [baseos]);
        var id = await agent.Agent.Onboarded.WaitAsync(TimeSpan.FromSeconds(60));
        await agent.Agent.FirstConfig.WaitAsync(TimeSpan.FromSeconds(60));

        using var admin = new AdminClient(controller.DataDir);
        var config = (await admin.GetAsync($"admin/devices/{id}/config"))!["config"]!.AsObject();
        var tree = Guid.NewGuid().ToString();
        var ds = Guid.NewGuid().ToString();
        config["datastores"] = new JsonArray(new JsonObject
        {
            ["id"] = ds, ["dType"] = "DsHttp", ["fqdn"] = server.BaseUri.GetLeftPart(UriPartial.Authority), ["dpath"] = "images",
        });
        config["contentInfo"] = new JsonArray(new JsonObject
        {
            ["uuid"] = tree, ["dsId"] = ds, ["URL"] = "rootfs-2.0.img", ["sha256"] = sha, ["displayName"] = "eve-2.0",
        });
        config["baseos"] = new JsonObject { ["contentTreeUuid"] = tree, ["baseOsVersion"] = "2.0", ["activate"] = true };
        await admin.PutTextAsync($"admin/devices/{id}/config", config.ToJsonString());

        Assert.That(await reboot.Requested.WaitAsync(TimeSpan.FromSeconds(120)), Does.Contain("base image update 1.0 -> 2.0"));
        Assert.That(server.Requests.Any(r => r.Path == "images/rootfs-2.0.img"), Is.True, "downloaded from the datastore");
        using (var dev = FileBlockDevice.Open(machine.Disk, writable: false))
        {
            Assert.That(await BaseOsPartitionTable.ReadAsync(dev, "IMGA"), Is.EqualTo(new BaseOsSlots(S.Active, S.Updating)));
            var imgb = (await GptReader.ReadAsync(dev)).Table.Find("IMGB")!.Value;
            var expected = await File.ReadAllBytesAsync(image);
            var onDisk = new byte[expected.Length];
            await dev.ReadAsync((long)imgb.FirstLba * 512, onDisk);
            Assert.That(onDisk.AsSpan().SequenceEqual(expected), Is.True, "IMGB holds the image");
        }
        await Eventually.WaitAsync(async () =>
        {
            using var a = new AdminClient(controller.DataDir);
            var infos = (await a.GetAsync($"admin/devices/{id}/info") as JsonArray)!;
            return infos.Any(i => i!["kind"]!.GetValue<string>() == "ZiDevice" &&
                i["message"]!["dinfo"]!["swList"] is JsonArray sw &&
                sw.Any(s => s!["partitionLabel"]?.GetValue<string>() == "IMGB" && s["partitionState"]?.GetValue<string>() == "updating" && s["shortVersion"]?.GetValue<string>() == "2.0"));
        }, "controller sees IMGB updating with 2.0 in swList");
    }
}
