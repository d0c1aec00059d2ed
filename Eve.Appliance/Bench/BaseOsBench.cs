using System.Diagnostics;
using System.Globalization;
using Eve.Appliance.Agent;
using Eve.Appliance.Agent.BaseOs;
using Eve.Appliance.Agent.Config;
using Eve.Appliance.Agent.Node;
using Eve.Appliance.Platform.Gpt;
using Eve.Appliance.Platform.Processes;
using Microsoft.Extensions.Logging.Abstractions;
using Org.Lfedge.Eve.Config;
using Org.Lfedge.Eve.Info;
using Org.Lfedge.Eve.Metrics;

namespace Eve.Appliance.Bench;

/// <summary>`eve-appliance bench baseos`: wall time of whole A/B update cycles on a disk image file
/// with the real <see cref="BaseOsSubsystem"/>: config → download (local file into the blob store,
/// sha256) → partition write with inline sha256 + read-back → version read (unsquashfs) → GPT flip
/// → "reboot" (gptprio on the image) → test window (200 ms) → commit. Alternates A→B and B→A.</summary>
internal static class BaseOsBench
{
    public static void Run(TextWriter output) => RunAsync(output).GetAwaiter().GetResult();

    public static async Task RunAsync(TextWriter o, int imageMiB = 64, int rounds = 4, CancellationToken ct = default)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"eve-bench-baseos-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string disk = Path.Combine(dir, "disk.img");
            ulong partSectors = (ulong)(imageMiB + 8) * 2048, imgb = 2048 + partSectors, sectors = imgb + partSectors + 2048;
            using (var f = File.Create(disk)) f.SetLength((long)sectors * 512);
            var table = GptTable.Create(sectors, Guid.NewGuid(), [
                new GptPartitionEntry(2, BootSelector.EveRootfsType, Guid.NewGuid(), 2048, imgb - 1, (ulong)PartitionState.ActiveCode << 48, "IMGA"),
                new GptPartitionEntry(3, BootSelector.EveRootfsType, Guid.NewGuid(), imgb, imgb + partSectors - 1, 0, "IMGB"),
            ]);
            using (var dev = FileBlockDevice.Open(disk, writable: true))
            {
                await GptWriter.CreateAsync(dev, table, ct);
                var factory = await File.ReadAllBytesAsync(await SquashfsAsync(dir, "1.0", 1, ct), ct);
                await dev.WriteAsync(2048L * 512, factory, ct);
                await dev.FlushAsync(ct);
            }
            string persist = Path.Combine(dir, "persist");
            var toStage = new List<double>();
            var toCommit = new List<double>();
            string booted = "IMGA";
            for (int r = 0; r < rounds; r++)
            {
                string version = $"2.{r}";
                var image = await SquashfsAsync(dir, version, imageMiB, ct);
                var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(image, ct)));
                var cfg = new EdgeDevConfig();
                var tree = Guid.NewGuid().ToString();
                cfg.ContentInfo.Add(new ContentTree { Uuid = tree, URL = new Uri(image).AbsoluteUri, Sha256 = sha, DisplayName = version });
                cfg.Baseos = new BaseOS { ContentTreeUuid = tree, BaseOsVersion = version, Activate = true };

                var sw = Stopwatch.StartNew();
                var reboot = new BenchReboot();
                var (run, cts) = Start(disk, booted, persist, cfg, reboot);
                await reboot.Requested.WaitAsync(TimeSpan.FromMinutes(5), ct);
                toStage.Add(sw.Elapsed.TotalMilliseconds);
                await cts.CancelAsync();
                try { await run; } catch (OperationCanceledException) { }
                using (var dev = FileBlockDevice.Open(disk, writable: true)) booted = (await BootSelector.BootAsync(dev, ct)).Name;
                (run, cts) = Start(disk, booted, persist, cfg, new BenchReboot());
                while (true)
                {
                    using (var dev = FileBlockDevice.Open(disk, writable: false))
                        if (await BaseOsPartitionTable.ReadAsync(dev, booted, ct) == new BaseOsSlots(EvePartitionState.Active, EvePartitionState.Unused)) break;
                    await Task.Delay(5, ct);
                }
                toCommit.Add(sw.Elapsed.TotalMilliseconds);
                await cts.CancelAsync();
                try { await run; } catch (OperationCanceledException) { }
                File.Delete(image);
            }
            o.WriteLine(F($"base-OS update cycle, {imageMiB} MiB squashfs image (incompressible payload), {rounds} rounds A->B->A..., test window 200 ms, gate interval 20 ms"));
            o.WriteLine(F($"  config -> image staged + reboot requested: median {BenchFiles.Median(toStage):F0} ms  [{string.Join(", ", toStage.Select(x => x.ToString("F0", CultureInfo.InvariantCulture)))}]"));
            o.WriteLine(F($"  config -> committed after the reboot:      median {BenchFiles.Median(toCommit):F0} ms  [{string.Join(", ", toCommit.Select(x => x.ToString("F0", CultureInfo.InvariantCulture)))}]"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static (Task Run, CancellationTokenSource Cts) Start(string disk, string booted, string persist, EdgeDevConfig cfg, BenchReboot reboot)
    {
        var hub = new ConfigHub();
        hub.Publish(new DesiredState(cfg, Guid.NewGuid().ToString(), "bench", DateTimeOffset.UtcNow));
        var sub = new BaseOsSubsystem(new BaseOsOptions
        {
            BootDisk = disk, CurrentPartition = booted, TestWindow = TimeSpan.FromMilliseconds(200),
            FallbackTimeout = TimeSpan.FromSeconds(30), GateInterval = TimeSpan.FromMilliseconds(20),
        }, reboot, new BootHistory(persist, TimeProvider.System), _ => [], new ImageVersionReader(ProcessRunner.Default));
        var context = new AgentContext(new AgentOptions { ConfigDir = persist, PersistDir = persist }, hub, new NullReports(), null!, null!,
            NullLoggerFactory.Instance, TimeProvider.System);
        var cts = new CancellationTokenSource();
        return (Task.Run(() => sub.RunAsync(context, cts.Token)), cts);
    }

    private static async Task<string> SquashfsAsync(string dir, string version, int payloadMiB, CancellationToken ct)
    {
        var root = Path.Combine(dir, "root-" + version);
        Directory.CreateDirectory(Path.Combine(root, "etc"));
        await File.WriteAllTextAsync(Path.Combine(root, "etc", "eve-release"), version + "\n", ct);
        await using (var f = File.Create(Path.Combine(root, "payload.bin")))
        {
            var buf = new byte[1 << 20];
            var rng = new Random(version.Length * 31 + version[^1]);
            for (int i = 0; i < payloadMiB; i++) { rng.NextBytes(buf); await f.WriteAsync(buf, ct); }
        }
        var image = Path.Combine(dir, $"rootfs-{version}.img");
        await ProcessRunner.Default.RunAsync("mksquashfs", [root, image, "-noappend", "-no-progress", "-quiet", "-all-root", "-noI", "-noD"], TimeSpan.FromMinutes(5), ct: ct);
        Directory.Delete(root, recursive: true);
        return image;
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private sealed class BenchReboot : IRebootController
    {
        private readonly TaskCompletionSource _requested = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Task Requested => _requested.Task;
        public Task RebootAsync(string reason, CancellationToken ct) { _requested.TrySetResult(); return Task.CompletedTask; }
        public Task ShutdownAsync(string reason, CancellationToken ct) => RebootAsync(reason, ct);
        public Task PowerOffAsync(string reason, CancellationToken ct) => RebootAsync(reason, ct);
    }

    private sealed class NullReports : IReportSink
    {
        public void PublishInfo(ZInfoMsg info, string key) { }
        public void AddMetrics(Action<ZMetricMsg> contributor) { }
        public void AddDeviceInfo(Action<ZInfoDevice> contributor) { }
        public void DeviceInfoChanged() { }
        public void PublishAppLogs(Guid app, string appName, IReadOnlyList<string> lines) { }
    }
}
