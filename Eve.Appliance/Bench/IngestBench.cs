using System.Diagnostics;
using Eve.Appliance.Controller.Telemetry;
using Eve.Appliance.Store;
using Google.Protobuf.WellKnownTypes;
using Org.Lfedge.Eve.Logs;

namespace Eve.Appliance.Bench;

/// <summary>Log lines per second the controller stores: EVE-sized newlogs chunks decoded with the
/// controller's decoder and stored through <see cref="TelemetryIngest.Logs"/> into a real LiteDB on a
/// temp folder (the HTTPS, envelope and signature layers are not included), and metrics messages
/// per second through the tiered series.</summary>
internal static class IngestBench
{
    public static void Run(TextWriter output)
    {
        var dir = Directory.CreateTempSubdirectory("eve-ingest-bench-").FullName;
        try
        {
            using var store = new ControllerStore(dir);
            var ingest = new TelemetryIngest(store);
            var now = DateTime.UtcNow;
            foreach (var perChunk in new[] { 50, 400 })
            {
                var lines = Enumerable.Range(0, perChunk).Select(i => new LogEntry
                {
                    Severity = i % 10 == 0 ? "warning" : "info", Source = "zedagent", Iid = "1234",
                    Content = $"{{\"file\":\"zedagent.go:123\",\"msg\":\"publish device info {i} port eth0 up dhcp lease 3600s\"}}",
                    Msgid = (ulong)i, Timestamp = Timestamp.FromDateTime(now),
                }).ToList();
                var chunk = Eve.Appliance.Api.NewLogs.NewLogsCodec.EncodeDevice(new("bench-dev", "IMGA", "1.0"), lines, DateTimeOffset.UtcNow);
                const int chunks = 100;
                // Now: the per-device cap keeps a running count. Before: it counted the device's lines on
                // every insert; re-enacted below with an explicit count after each chunk, same run, same
                // store, so the two figures compare under the same machine load. CPU ms per 1,000 lines
                // is the less load-sensitive figure.
                foreach (var (label, device, countEveryInsert) in new[] { ("running count (now)", $"bench-dev-{perChunk}", false), ("count per insert (before)", $"bench-old-{perChunk}", true) })
                {
                    var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
                    var sw = Stopwatch.StartNew();
                    for (var c = 0; c < chunks; c++)
                    {
                        ingest.Logs(device, "", NewLogsDecoder.Decode(chunk));
                        if (countEveryInsert) _ = store.Logs.Count(l => l.DeviceId == device);
                    }
                    sw.Stop();
                    var cpuMs = (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
                    output.WriteLine($"newlogs ingest, {label}: {chunks} chunks x {perChunk} lines ({chunk.Length} B gzip): {chunks * perChunk / sw.Elapsed.TotalSeconds:N0} lines/s, {cpuMs * 1000 / (chunks * perChunk):N1} ms CPU per 1,000 lines");
                }
            }
            var metrics = 2000;
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < metrics; i++)
            {
                ingest.Metrics("bench-metrics", new Org.Lfedge.Eve.Metrics.ZMetricMsg
                {
                    DevID = "bench-metrics", AtTimeStamp = Timestamp.FromDateTime(now.AddSeconds(i - metrics)),
                    Dm = new() { Memory = new() { UsedMem = 100, AvailMem = 200 }, Network = { new Org.Lfedge.Eve.Metrics.networkMetric { IName = "eth0", RxBytes = (ulong)i } } },
                });
            }
            output.WriteLine($"metrics ingest (message + raw/minute/hour points): {metrics / watch.Elapsed.TotalSeconds:N0} messages/s");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
