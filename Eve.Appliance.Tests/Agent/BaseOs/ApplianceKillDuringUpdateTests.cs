using System.Globalization;
using System.Text.Json.Nodes;
using Eve.Appliance.Agent.BaseOs;
using Eve.Appliance.Cli;
using Eve.Appliance.Platform.Gpt;
using Eve.Appliance.Platform.Processes;
using Eve.Appliance.Tests.Agent.Content;
using Eve.Appliance.Tests.Support;
using S = Eve.Appliance.Agent.BaseOs.EvePartitionState;
using Sgdisk = Eve.Appliance.Tests.Platform.Gpt.Sgdisk;

namespace Eve.Appliance.Tests.Agent.BaseOs;

/// <summary>kill -9 of the real `eve-appliance run` process while it downloads, verifies and
/// writes a base-OS update to a disk image (`--boot-disk`, `--reboot-file` instead of a host
/// reboot). After every kill GRUB's choice (the selector, without spending a try) must be a
/// partition whose bytes are exactly a verified image, and the restarted process must resume or
/// retry until it stages the update; the final "boot" runs the new image.</summary>
[TestFixture]
public sealed class ApplianceKillDuringUpdateTests
{
    private const int PartitionSectors = 32768; // 16 MiB slots: room for a 12 MB image

    [Test]
    public async Task KilledDuringDownloadVerifyAndWrite_NeverBootsAnUnverifiedPartition_AndTheRestartFinishesTheUpdate()
    {
        using var dir = new TempDir("kill-update");
        var disk = dir.Sub("disk.img");
        await CreateLayoutAsync(disk);
        var (factory, _) = await SquashfsImage.BuildAsync(dir.Path, "1.0", payloadBytes: 300_000);
        var factoryBytes = await File.ReadAllBytesAsync(factory);
        await WriteSlotAsync(disk, "IMGA", factoryBytes);
        var (update, sha) = await SquashfsImage.BuildAsync(dir.Path, "2.0", payloadBytes: 12_000_000);
        var updateBytes = await File.ReadAllBytesAsync(update);

        await using var server = await BlobTestServer.StartAsync();
        server.Objects["images/rootfs-2.0.img"] = updateBytes;
        server.BytesPerSecond = 3L << 20; // a ~4 s download: room for kills in the middle of it

        var data = dir.Sub("data");
        var rebootFile = dir.Sub("reboot-request.json");
        var port = ApplianceProcess.FreePort();
        string[] args = ["run", "--data-dir", data, "--listen", $"127.0.0.1:{port}", "--tpm", "none", "--serial", "SN-kill-update",
            "--boot-disk", disk, "--boot-partition", "IMGA", "--reboot-file", rebootFile];
        var random = new Random(20261128);
        var kills = new List<string>();
        ApplianceProcess? process = ApplianceProcess.Start(args);
        try
        {
            var id = await OnboardedDeviceAsync(data, process);
            await SetBaseOsAsync(data, id, server, sha);

            // Kill points: at random moments of the throttled download, then as soon as the write
            // starts (the log line), a few times, then let it finish.
            for (int i = 0; i < 8 && !File.Exists(rebootFile); i++)
            {
                bool atWrite = i >= 5;
                string phase;
                if (atWrite)
                {
                    phase = await WriteStartedAsync(process, rebootFile);
                }
                else
                {
                    await Eventually.WaitAsync(() => process.Output.Contains("base-OS: downloading", StringComparison.Ordinal) || File.Exists(rebootFile),
                        "the download to start", 180);
                    await Task.Delay(TimeSpan.FromMilliseconds(random.Next(100, 1200)));
                    phase = Phase(process.Output, server, updateBytes.Length);
                }
                process.Kill9();
                kills.Add(phase);
                await AssertBootsAVerifiedImageAsync(disk, factoryBytes, updateBytes, $"after kill {i + 1} ({phase})");
                process.Dispose();
                process = ApplianceProcess.Start(args);
            }

            var request = await Eventually.WaitAsync(() => Task.FromResult(File.Exists(rebootFile) ? File.ReadAllText(rebootFile) : null),
                () => $"the restarted appliance to stage the update and ask for a reboot; output tail:\n{Tail(process.Output)}", 240);
            Assert.That(JsonNode.Parse(request)!["reason"]!.GetValue<string>(), Does.Contain("base image update 1.0 -> 2.0"));
        }
        finally
        {
            if (process != null) await process.StopAsync();
            process?.Dispose();
        }

        using (var dev = FileBlockDevice.Open(disk, writable: false))
            Assert.That(await BaseOsPartitionTable.ReadAsync(dev, "IMGA"), Is.EqualTo(new BaseOsSlots(S.Active, S.Updating)));
        await AssertBootsAVerifiedImageAsync(disk, factoryBytes, updateBytes, "after staging");
        using (var dev = FileBlockDevice.Open(disk, writable: true))
        {
            var booted = await BootSelector.BootAsync(dev);
            Assert.That(booted.Name, Is.EqualTo("IMGB"), "the reboot runs the new image on trial");
        }
        var ranges = server.Requests.Count(r => r.Path == "images/rootfs-2.0.img" && r.Range != null);
        var whole = server.Requests.Count(r => r.Path == "images/rootfs-2.0.img" && r.Range == null);
        TestContext.Out.WriteLine($"{kills.Count} SIGKILLs: {string.Join(", ", kills)}; datastore requests: {whole} whole, {ranges} resumed with Range; {server.BytesSent} bytes sent for a {updateBytes.Length}-byte image");
        // How many kills fit before the (resumed) download completes depends on the machine's speed.
        Assert.That(kills, Has.Count.GreaterThanOrEqualTo(3));
        Assert.That(ranges, Is.GreaterThan(0), "a download killed mid-way resumes from its partial file");
    }

    private static string Phase(string output, BlobTestServer server, long size) =>
        output.Contains("base-OS: writing", StringComparison.Ordinal) ? "write/verify"
        : string.Create(CultureInfo.InvariantCulture, $"download at ~{Math.Min(100, server.BytesSent * 100 / size)} % of bytes sent");

    /// <summary>Polls the process's log every 2 ms for the write's start, to kill inside it.</summary>
    private static async Task<string> WriteStartedAsync(ApplianceProcess process, string rebootFile)
    {
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while (DateTime.UtcNow < deadline)
        {
            if (process.Output.Contains("base-OS: writing", StringComparison.Ordinal)) return "write/verify";
            if (File.Exists(rebootFile)) return "staged";
            await Task.Delay(2);
        }
        Assert.Fail($"the write did not start within 180 s; output tail:\n{Tail(process.Output)}");
        return "";
    }

    private static string Tail(string s) => s.Length > 3000 ? s[^3000..] : s;

    /// <summary>GRUB's pick (without spending the try) holds, byte for byte, the image it should.</summary>
    private static async Task AssertBootsAVerifiedImageAsync(string disk, byte[] factory, byte[] update, string when)
    {
        using var dev = FileBlockDevice.Open(disk, writable: false);
        var table = (await GptReader.ReadAsync(dev)).Table;
        var choice = BootSelector.Select(table);
        Assert.That(choice, Is.Not.Null, $"{when}: no bootable partition");
        var expected = choice!.Name == "IMGA" ? factory : update;
        var onDisk = new byte[expected.Length];
        await dev.ReadAsync((long)choice.Partition.FirstLba * 512, onDisk);
        Assert.That(onDisk.AsSpan().SequenceEqual(expected), Is.True, $"{when}: {choice.Name} would boot but does not hold its verified image");
    }

    private static async Task<string> OnboardedDeviceAsync(string data, ApplianceProcess process) =>
        await Eventually.WaitAsync(async () =>
        {
            if (!File.Exists(Path.Combine(data, "run", "admin.sock"))) return null;
            using var admin = new AdminClient(data);
            var id = (await admin.GetAsync("admin/devices") as JsonArray)?.FirstOrDefault()?["id"]?.GetValue<string>();
            // The controller stores the device's first config right after onboarding.
            return id != null && (await admin.GetAsync($"admin/devices/{id}/config"))?["config"] != null ? id : null;
        }, () => $"the appliance to onboard its device; output:\n{Tail(process.Output)}", 120);

    private static async Task SetBaseOsAsync(string data, string id, BlobTestServer server, string sha)
    {
        using var admin = new AdminClient(data);
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
    }

    private static async Task CreateLayoutAsync(string path)
    {
        const int a = 4096, b = a + PartitionSectors, c = b + PartitionSectors;
        using (var f = File.Create(path)) f.SetLength((long)(c + 4096 + 2048) * 512);
        await ProcessRunner.Default.RunAsync("sgdisk", [
            "-o",
            "-n", "1:2048:4095", "-t", "1:EF00", "-c", "1:EFI",
            "-n", $"2:{a}:{b - 1}", "-t", $"2:{Sgdisk.RootfsType}", "-c", "2:IMGA", "-A", "2:=:0102000000000000",
            "-n", $"3:{b}:{c - 1}", "-t", $"3:{Sgdisk.RootfsType}", "-c", "3:IMGB",
            "-n", $"4:{c}:{c + 2047}", "-t", $"4:{Sgdisk.ConfigType}", "-c", "4:CONFIG",
            "-n", "9:0:0", "-t", $"9:{Sgdisk.PersistType}", "-c", "9:PERSIST",
            path]);
    }

    private static async Task WriteSlotAsync(string disk, string slot, byte[] image)
    {
        using var dev = FileBlockDevice.Open(disk, writable: true);
        var p = (await GptReader.ReadAsync(dev)).Table.Find(slot)!.Value;
        await dev.WriteAsync((long)p.FirstLba * 512, image);
        await dev.FlushAsync();
    }
}
