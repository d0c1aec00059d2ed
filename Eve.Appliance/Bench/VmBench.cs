using System.Diagnostics;
using Eve.Appliance.Platform.Processes;
using Eve.Appliance.Platform.Qemu;

namespace Eve.Appliance.Bench;

/// <summary>Boot-to-marker of the tiny test guest through the real supervisor: time from
/// <see cref="QemuSupervisor.StartAsync"/> to QMP ready, and to `EVE-TEST-MARKER` in the serial
/// log (polled every 5 ms), p50 over N sequential boots; each VM is then stopped with `quit`.</summary>
internal static class VmBench
{
    public static void Run(TextWriter output) => RunAsync(output, runs: 5).GetAwaiter().GetResult();

    public static async Task RunAsync(TextWriter output, int runs)
    {
        var guest = BenchFiles.GuestDir();
        var accel = AccelProbe.Host.Probe();
        var dir = Directory.CreateTempSubdirectory("eveb-").FullName;
        var supervisor = new QemuSupervisor(ProcessRunner.Default, new QemuSupervisorOptions { PollInterval = TimeSpan.FromMilliseconds(100) });
        var ready = new List<double>();
        var marker = new List<double>();
        long rss = 0;
        output.WriteLine($"vm bench: {runs} boots of the test guest ({accel.Accel}: {accel.Reason}), 1 vCPU, 256 MiB, {Environment.ProcessorCount} host cores");
        try
        {
            for (var i = 0; i < runs; i++)
            {
                var spec = new QemuDomainSpec
                {
                    Name = $"bench{i}",
                    Uuid = Guid.NewGuid(),
                    QmpSocketPath = Path.Combine(dir, $"b{i}.qmp"),
                    PidFilePath = Path.Combine(dir, $"b{i}.pid"),
                    SerialLogPath = Path.Combine(dir, $"b{i}.log"),
                    DirectBoot = new QemuDirectBoot(Path.Combine(guest, "vmlinuz"), Path.Combine(guest, "initramfs.gz"), "console=ttyS0 quiet panic=-1 test.hold"),
                };
                var sw = Stopwatch.StartNew();
                var vm = await supervisor.StartAsync(spec, accel.Accel);
                try
                {
                    ready.Add(sw.Elapsed.TotalMilliseconds);
                    while (!(File.Exists(spec.SerialLogPath) && (await File.ReadAllTextAsync(spec.SerialLogPath)).Contains("EVE-TEST-MARKER", StringComparison.Ordinal)))
                    {
                        if (sw.Elapsed > TimeSpan.FromMinutes(2)) throw new TimeoutException($"no marker in {spec.SerialLogPath} after 2 minutes");
                        await Task.Delay(5);
                    }
                    marker.Add(sw.Elapsed.TotalMilliseconds);
                    rss = Math.Max(rss, vm.ReadStats().RssBytes);
                    output.WriteLine($"  boot {i + 1}: QMP ready {ready[^1],6:0} ms, marker {marker[^1],6:0} ms");
                }
                finally
                {
                    await vm.QuitAsync();
                }
            }
            output.WriteLine($"start -> QMP ready   p50 {BenchFiles.Median(ready):0} ms (min {ready.Min():0}, max {ready.Max():0})");
            output.WriteLine($"start -> init marker p50 {BenchFiles.Median(marker):0} ms (min {marker.Min():0}, max {marker.Max():0})");
            output.WriteLine($"QEMU RSS at marker   max {rss / (1 << 20)} MiB");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
