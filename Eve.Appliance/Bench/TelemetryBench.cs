using System.Diagnostics;
using System.IO.Compression;
using Eve.Appliance.Agent.Telemetry;
using Eve.Appliance.Agent.Telemetry.Logs;
using Eve.Appliance.Agent.Telemetry.Proc;
using Eve.Appliance.Api.NewLogs;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Org.Lfedge.Eve.Logs;

namespace Eve.Appliance.Bench;

/// <summary>Figures for the telemetry pipeline: the cost of one metrics + info collection from the real
/// /proc, and how many log lines per second go through the segment writer and chunk packer.</summary>
internal static class TelemetryBench
{
    public static void Run(TextWriter output)
    {
        output.WriteLine("telemetry bench (Environment.CpuUsage for process CPU, GC.GetAllocatedBytesForCurrentThread for allocations)");
        CollectOnce(output);
        foreach (var level in new[] { CompressionLevel.SmallestSize, CompressionLevel.Optimal })
        {
            LogThroughput(output, level, lines: 200_000, TimeSpan.FromSeconds(1));
        }
        LogThroughput(output, CompressionLevel.SmallestSize, lines: 20_000, TimeSpan.Zero);
        TelemetryPipelineBench.Run(output);
    }

    private static void CollectOnce(TextWriter output)
    {
        const string devId = "5d0767ee-0547-4569-b530-387e526f8cb9";
        var metrics = new DeviceMetricsCollector(ProcReader.Host, TimeProvider.System, devId);
        var info = new DeviceInfoCollector(ProcReader.Host, TimeProvider.System, devId);
        var inputs = new DeviceInfoInputs { PersistPath = "/" };
        int metricBytes = 0, infoBytes = 0;
        for (var i = 0; i < 5; i++) // warm up: JIT, NetworkInterface caches
        {
            metricBytes = metrics.Collect().CalculateSize();
            infoBytes = info.Collect(inputs).CalculateSize();
        }
        const int n = 200;
        var (cpu0, alloc0, wall) = (Environment.CpuUsage.TotalTime, GC.GetAllocatedBytesForCurrentThread(), Stopwatch.StartNew());
        for (var i = 0; i < n; i++) metrics.Collect().ToByteArray();
        var (cpuM, allocM, wallM) = (Environment.CpuUsage.TotalTime - cpu0, GC.GetAllocatedBytesForCurrentThread() - alloc0, wall.Elapsed);
        (cpu0, alloc0) = (Environment.CpuUsage.TotalTime, GC.GetAllocatedBytesForCurrentThread());
        wall.Restart();
        for (var i = 0; i < n; i++) info.Collect(inputs).ToByteArray();
        var (cpuI, allocI, wallI) = (Environment.CpuUsage.TotalTime - cpu0, GC.GetAllocatedBytesForCurrentThread() - alloc0, wall.Elapsed);
        output.WriteLine($"  metrics collect+encode: {cpuM.TotalMilliseconds * 1000 / n:F0} us CPU, {wallM.TotalMilliseconds * 1000 / n:F0} us wall, {allocM / n / 1024.0:F1} KiB allocated, {metricBytes} B ZMetricMsg (mean of {n})");
        output.WriteLine($"  info collect+encode:    {cpuI.TotalMilliseconds * 1000 / n:F0} us CPU, {wallI.TotalMilliseconds * 1000 / n:F0} us wall, {allocI / n / 1024.0:F1} KiB allocated, {infoBytes} B ZInfoMsg (mean of {n})");
    }

    private static void LogThroughput(TextWriter output, CompressionLevel level, int lines, TimeSpan fsyncInterval)
    {
        var dir = Directory.CreateTempSubdirectory("telemetry-bench-").FullName;
        try
        {
            var options = new LogSpoolOptions
            {
                Directory = dir, Meta = new LogBundleMeta("5d0767ee-0547-4569-b530-387e526f8cb9", "IMGA", "bench"),
                FsyncInterval = fsyncInterval, TickPeriod = null, QuotaBytes = 1L << 40,
            };
            var entries = Enumerable.Range(0, 1000).Select(SampleEntry).ToArray();
            var (cpu0, alloc0, wall) = (Environment.CpuUsage.TotalTime, GC.GetAllocatedBytesForCurrentThread(), Stopwatch.StartNew());
            long rawBytes = 0;
            using (var writer = LogSegmentWriter.Open(options, TimeProvider.System, level))
            {
                for (var i = 0; i < lines; i++) writer.Append(entries[i % entries.Length]);
            }
            var (cpu, alloc, elapsed) = (Environment.CpuUsage.TotalTime - cpu0, GC.GetAllocatedBytesForCurrentThread() - alloc0, wall.Elapsed);
            var chunks = Directory.GetFiles(Path.Combine(dir, "pending"));
            var gzBytes = chunks.Sum(f => new FileInfo(f).Length);
            foreach (var e in entries) rawBytes += LogEntryJson.ToBytes(e).Length + 1;
            rawBytes = rawBytes * lines / entries.Length;
            output.WriteLine($"  log spool {level,-12} fsync {(fsyncInterval == TimeSpan.Zero ? "every line" : $"every {fsyncInterval.TotalSeconds:F0} s")}: " +
                $"{lines / elapsed.TotalSeconds:N0} lines/s wall, {cpu.TotalMilliseconds * 1000 / lines:F1} us CPU/line, " +
                $"{alloc / (double)lines:F0} B allocated/line; {lines:N0} lines ({rawBytes / 1048576.0:F1} MiB JSON) -> {chunks.Length} chunks, " +
                $"{gzBytes / 1048576.0:F2} MiB gzip (max chunk {chunks.Max(f => new FileInfo(f).Length) / 1024.0:F1} KiB)");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static LogEntry SampleEntry(int i)
    {
        var e = new LogEntry
        {
            Severity = i % 10 == 0 ? "warning" : "info", Source = i % 3 == 0 ? "Eve.Appliance.Agent.Networks" : "Eve.Appliance.Agent.Apps",
            Iid = "1234", Content = $"reconcile pass {i}: bridge bn{i % 7} up, {i % 13} items created, {i * 37 % 1000} ms, app a1b2c3d4-{i % 100:D4}",
            Timestamp = new Timestamp { Seconds = 1767225600 + i, Nanos = i * 1001 },
        };
        if (i % 4 == 0) e.Tags["appuuid"] = $"a1b2c3d4-0001-4a5b-8c9d-{i:D12}";
        return e;
    }
}
