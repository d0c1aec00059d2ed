using System.Diagnostics;
using System.Globalization;
using Eve.Appliance.Agent.BaseOs;
using Eve.Appliance.Platform.Gpt;
using Eve.Appliance.Platform.Processes;

namespace Eve.Appliance.Bench;

/// <summary>`eve-appliance bench partition`: base-image write throughput of <see cref="PartitionWriter"/>
/// (sha256 inline, fsync, then read-back verify) against `dd bs=1M conv=notrunc,fsync` of the same
/// image into the same partition of the same disk file, alternating, in one run. The image file
/// is in the page cache for both, so the figures compare the write paths, not the source.</summary>
internal static class PartitionBench
{
    public static void Run(TextWriter output) => RunAsync(output).GetAwaiter().GetResult();

    public static async Task RunAsync(TextWriter o, int imageMiB = 256, int rounds = 5, string? dir = null, CancellationToken ct = default)
    {
        dir ??= Path.Combine(Path.GetTempPath(), $"eve-bench-partition-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string disk = Path.Combine(dir, "disk.img"), image = Path.Combine(dir, "image.bin");
            ulong partSectors = (ulong)(imageMiB + 1) * 2048;
            ulong imgb = 2048 + partSectors;
            ulong sectors = imgb + partSectors + 2048;
            using (var f = File.Create(disk)) f.SetLength((long)sectors * 512);
            var rootfs = BootSelector.EveRootfsType;
            var table = GptTable.Create(sectors, Guid.NewGuid(), [
                new GptPartitionEntry(2, rootfs, Guid.NewGuid(), 2048, imgb - 1, (ulong)PartitionState.ActiveCode << 48, "IMGA"),
                new GptPartitionEntry(3, rootfs, Guid.NewGuid(), imgb, imgb + partSectors - 1, 0, "IMGB"),
            ]);
            using (var dev = FileBlockDevice.Open(disk, writable: true)) await GptWriter.CreateAsync(dev, table, ct);
            await using (var f = File.Create(image))
            {
                var buf = new byte[1 << 20];
                var rng = new Random(1);
                for (int i = 0; i < imageMiB; i++) { rng.NextBytes(buf); await f.WriteAsync(buf, ct); }
            }

            var ours = new List<PartitionWriteResult>();
            var dd = new List<double>();
            var hashOnly = new List<double>();
            var writer = new PartitionWriter(TimeProvider.System);
            for (int r = 0; r < rounds; r++)
            {
                using (var dev = FileBlockDevice.Open(disk, writable: true))
                await using (var src = File.OpenRead(image))
                    ours.Add(await writer.WriteAsync(dev, "IMGB", src, ct: ct));
                var sw = Stopwatch.StartNew();
                await ProcessRunner.Default.RunAsync("dd", [$"if={image}", $"of={disk}", "bs=1M",
                    $"seek={imgb / 2048}", "conv=notrunc,fsync", "status=none"], TimeSpan.FromMinutes(5), ct: ct);
                dd.Add(imageMiB * 1048576.0 / 1e6 / sw.Elapsed.TotalSeconds);
                hashOnly.Add(await HashOnlyMBpsAsync(image, ct));
            }
            o.WriteLine($"partition write, {imageMiB} MiB image, {rounds} rounds alternating, disk file and image in {dir}");
            o.WriteLine(F($"  PartitionWriter (sha256 inline + fsync): median {Median(ours.Select(x => x.WriteMBps)):F0} MB/s  [{string.Join(", ", ours.Select(x => x.WriteMBps.ToString("F0", CultureInfo.InvariantCulture)))}]"));
            o.WriteLine(F($"  dd bs=1M conv=fsync (no hash):           median {Median(dd):F0} MB/s  [{string.Join(", ", dd.Select(x => x.ToString("F0", CultureInfo.InvariantCulture)))}]"));
            o.WriteLine(F($"  sha256 alone over the cached image:      median {Median(hashOnly):F0} MB/s  (the ceiling for any hashing writer)"));
            o.WriteLine(F($"  PartitionWriter read-back verify:        median {Median(ours.Select(x => x.VerifyMBps)):F0} MB/s (page cache dropped first)"));
            o.WriteLine(F($"  sha256 of every round: {string.Join(" ", ours.Select(x => x.Sha256[..12]).Distinct())}"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<double> HashOnlyMBpsAsync(string image, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        var buf = new byte[PartitionWriter.ChunkBytes];
        long total = 0;
        await using var f = File.OpenRead(image);
        int n;
        while ((n = await f.ReadAsync(buf, ct)) > 0) { hash.AppendData(buf, 0, n); total += n; }
        hash.GetHashAndReset();
        return total / 1e6 / sw.Elapsed.TotalSeconds;
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static double Median(IEnumerable<double> xs)
    {
        var a = xs.OrderBy(x => x).ToArray();
        return a.Length % 2 == 1 ? a[a.Length / 2] : (a[a.Length / 2 - 1] + a[a.Length / 2]) / 2;
    }
}
