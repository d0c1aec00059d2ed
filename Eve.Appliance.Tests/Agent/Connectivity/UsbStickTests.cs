using Eve.Appliance.Agent.Connectivity;

namespace Eve.Appliance.Tests.Agent.Connectivity;

/// <summary>EVE's USB-stick override from a FAT image (mkfs.vfat + mcopy, nothing mounted): ingested
/// once with its hash recorded, not again after a restart, again when the stick's file changes.</summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class UsbStickTests
{
    [Test]
    public async Task UsbJsonOnFatImage_IngestedOnce_SurvivesRestart_NewContentIngestedAgain()
    {
        await using var lab = await ConnectivityLab.StartAsync();
        var image = Path.Combine(lab.Dir, "stick.img");
        await lab.Net.Runner.RunAsync("mkfs.vfat", ["-C", image, "1440"]);
        await PutUsbJsonAsync(lab, image, """{ "Key": "usb", "Ports": [ { "IfName": "eth0", "Logicallabel": "stick", "IsMgmt": true, "Dhcp": 4 } ] }""");

        await RunUntilAsync(lab, image, s => s.Current is { Key: "usb", WasWorking: true }, "usb.json from the stick applied and working");
        var first = new DpcListStore(lab.PersistDir).Load();
        Assert.That(first.Ingested.Keys, Does.Contain(ConnectivityDriver.UsbImageEntry));
        Assert.That(first.Dpcs.Single(d => d.Key == "usb").Ports.Single().LogicalLabel, Is.EqualTo("stick"));

        // Restart with the same stick: the usb DPC is re-applied from the list, not ingested again.
        var state = await RunUntilAsync(lab, image, s => s.Phase == DpcPhase.Stable && s.Current is { Key: "usb" } c && c.LastSucceeded > first.Dpcs.Single(d => d.Key == "usb").LastSucceeded,
            "the persisted usb DPC re-applied after restart");
        Assert.That(state.List.Single(d => d.Key == "usb").TimePriority, Is.EqualTo(first.Dpcs.Single(d => d.Key == "usb").TimePriority), "not ingested a second time");

        // A changed file on the stick is a new DPC.
        await PutUsbJsonAsync(lab, image, """{ "Key": "usb", "Ports": [ { "IfName": "eth0", "Logicallabel": "stick2", "IsMgmt": true, "Dhcp": 4 } ] }""");
        state = await RunUntilAsync(lab, image, s => s.Current is { Key: "usb" } c && c.Ports[0].LogicalLabel == "stick2" && c.WasWorking, "the changed usb.json ingested");
        Assert.That(new DpcListStore(lab.PersistDir).Load().Ingested[ConnectivityDriver.UsbImageEntry], Is.Not.EqualTo(first.Ingested[ConnectivityDriver.UsbImageEntry]));
    }

    [Test]
    public async Task FatImageWithoutUsbJson_IsNothing_AndANonFatFileIsAReadableError()
    {
        using var dir = new Support.TempDir("eve-usb");
        var image = dir.Sub("empty.img");
        await Eve.Appliance.Platform.Processes.ProcessRunner.Default.RunAsync("mkfs.vfat", ["-C", image, "1440"]);
        Assert.That(await UsbStick.ReadUsbJsonAsync(Eve.Appliance.Platform.Processes.ProcessRunner.Default, image, default), Is.Null);
        var junk = dir.Sub("junk.img");
        await File.WriteAllBytesAsync(junk, new byte[65536]);
        Assert.That(async () => await UsbStick.ReadUsbJsonAsync(Eve.Appliance.Platform.Processes.ProcessRunner.Default, junk, default),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("junk.img").And.Message.Contains("FAT"));
    }

    private static async Task PutUsbJsonAsync(ConnectivityLab lab, string image, string json)
    {
        var file = Path.Combine(lab.Dir, "usb.json");
        await File.WriteAllTextAsync(file, json);
        await lab.Net.Runner.RunAsync("mcopy", ["-o", "-i", image, file, "::/usb.json"]);
    }

    private static async Task<DpcManagerState> RunUntilAsync(ConnectivityLab lab, string image, Func<DpcManagerState, bool> condition, string what)
    {
        var (driver, applier) = lab.NewDriver(TimeSpan.FromSeconds(10), usbImage: image);
        using var cts = new CancellationTokenSource();
        var run = driver.RunAsync(cts.Token);
        try
        {
            return await ConnectivityLab.WaitForAsync(driver, condition, what);
        }
        finally
        {
            await cts.CancelAsync();
            await run.ContinueWith(_ => { }, TaskScheduler.Default);
            await applier.StopAsync(default);
        }
    }
}
