using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Eve.Appliance.Cli;
using Eve.Appliance.Platform.Processes;
using Eve.Appliance.Provisioning;
using Eve.Appliance.Tests.Agent.Content;
using Eve.Appliance.Tests.Support;

namespace Eve.Appliance.Tests.SystemTests;

/// <summary>What the update tests share: a controller on the host (reached from the VM as 10.0.2.2
/// through QEMU's user network), handed to the device by a provisioning stick (`provision usb`,
/// attached as a second disk, ingested once at boot); an HTTP datastore on the host serving the
/// derived versions; the VM; and the controller's view of the device.</summary>
internal sealed class UpdateBed : IAsyncDisposable
{
    public const int TestWindowSeconds = 30;

    private UpdateBed(string image, string dir, BlobTestServer datastore, RunningController controller, ApplianceVm vm, AdminClient admin)
    {
        Image = image;
        Dir = dir;
        Datastore = datastore;
        Controller = controller;
        Vm = vm;
        Admin = admin;
    }

    public string Image { get; }
    public string Dir { get; }
    public BlobTestServer Datastore { get; }
    public RunningController Controller { get; }
    public ApplianceVm Vm { get; }
    public AdminClient Admin { get; }
    public string Stick => Path.Combine(Dir, "stick.img");
    public string DeviceId { get; private set; } = "";

    public static async Task<UpdateBed> CreateAsync(string image, string dir)
    {
        var datastore = await BlobTestServer.StartAsync();
        var controller = await RunningController.StartAsync(Path.Combine(dir, "controller"), o => o with { ServerName = "10.0.2.2" });
        var bundle = new ProvisionBundle();
        bundle.AddControllerBootstrap(controller.BootstrapDir);
        bundle.AddConfigText("server", $"10.0.2.2:{controller.Uri.Port}\n");
        await new UsbStickWriter(ProcessRunner.Default).WriteAsync(bundle, Path.Combine(dir, "stick.img"));
        var vm = await ApplianceVm.CreateAsync(Path.Combine(dir, "vm"), image);
        return new UpdateBed(image, dir, datastore, controller, vm, new AdminClient(controller.DataDir));
    }

    /// <summary>Serves a derived version from the host's datastore.</summary>
    public async Task ServeAsync(string file) => Datastore.Objects["images/" + Path.GetFileName(file)] = await File.ReadAllBytesAsync(file);

    /// <summary>Powers the VM on with the stick and waits until its device is onboarded to the host controller.</summary>
    public async Task<int> PowerOnAndOnboardAsync(bool uefi = false)
    {
        await Vm.StartAsync(Image, usbImage: Stick, uefi: uefi);
        var at = await Vm.WaitForConsoleAsync("EVE-APPLIANCE: ingested provisioning stick", TimeSpan.FromMinutes(20));
        DeviceId = await Eventually.WaitAsync(async () =>
            (await Admin.GetAsync("admin/devices"))!.AsArray().Select(d => d!["id"]!.GetValue<string>()).FirstOrDefault(),
            () => "the VM's device onboarding to the host controller; console tail:\n" + ApplianceVm.Tail(Vm.Console), 1800);
        return at;
    }

    /// <summary>Asks the device for a base-OS version (served by <see cref="ServeAsync"/>), with the test window.</summary>
    public async Task SetBaseOsAsync(string path, string version)
    {
        var file = Path.GetFileName(path);
        var sha = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(path)));
        var config = (await Admin.GetAsync($"admin/devices/{DeviceId}/config"))!["config"]!.AsObject();
        var tree = Guid.NewGuid().ToString();
        var ds = Guid.NewGuid().ToString();
        config["datastores"] = new JsonArray(new JsonObject
        {
            ["id"] = ds, ["dType"] = "DsHttp", ["fqdn"] = $"http://10.0.2.2:{Datastore.BaseUri.Port}", ["dpath"] = "images",
        });
        config["contentInfo"] = new JsonArray(new JsonObject
        {
            ["uuid"] = tree, ["dsId"] = ds, ["URL"] = file, ["sha256"] = sha, ["displayName"] = "eve-" + version,
        });
        config["baseos"] = new JsonObject { ["contentTreeUuid"] = tree, ["baseOsVersion"] = version, ["activate"] = true };
        var items = config["configItems"] as JsonArray ?? [];
        foreach (var stale in items.Where(i => i!["key"]!.GetValue<string>() == "timer.test.baseimage.update").ToList()) items.Remove(stale);
        items.Add(new JsonObject { ["key"] = "timer.test.baseimage.update", ["value"] = TestWindowSeconds.ToString(global::System.Globalization.CultureInfo.InvariantCulture) });
        config["configItems"] = items;
        await Admin.PutTextAsync($"admin/devices/{DeviceId}/config", config.ToJsonString());
    }

    /// <summary>Every device info the controller holds for the device, oldest first.</summary>
    public async Task<IReadOnlyList<JsonNode>> DeviceInfosAsync()
    {
        var infos = (await Admin.GetAsync($"admin/devices/{DeviceId}/info") as JsonArray)!;
        return infos.Where(i => i!["kind"]!.GetValue<string>() == "ZiDevice").Select(i => i!).ToList();
    }

    public async Task<string> LatestDeviceInfoAsync() => (await DeviceInfosAsync()).LastOrDefault()?.ToJsonString() ?? "";

    public static bool Shows(JsonNode info, string partition, string state, string version) =>
        info["message"]?["dinfo"]?["swList"] is JsonArray sw && sw.Any(s =>
            s!["partitionLabel"]?.GetValue<string>() == partition && s["partitionState"]?.GetValue<string>() == state &&
            s["shortVersion"]?.GetValue<string>() == version);

    /// <summary>Waits until the device's latest info shows <paramref name="partition"/> in <paramref name="state"/> with <paramref name="version"/>.</summary>
    public Task<JsonNode> WaitSwAsync(string partition, string state, string version) =>
        Eventually.WaitAsync(async () => (await DeviceInfosAsync()).LastOrDefault() is { } latest && Shows(latest, partition, state, version) ? latest : null,
            () => $"the controller to see {partition} {state} with version {version}; console tail:\n{ApplianceVm.Tail(Vm.Console)}", 1200);

    public async ValueTask DisposeAsync()
    {
        await Vm.DisposeAsync();
        Admin.Dispose();
        await Controller.DisposeAsync();
        await Datastore.DisposeAsync();
    }
}
