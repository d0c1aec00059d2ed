using Eve.Appliance.Controller.Telemetry;
using Eve.Appliance.Store;
using Eve.Appliance.Tests.Support;
using Google.Protobuf.WellKnownTypes;
using Org.Lfedge.Eve.Metrics;

namespace Eve.Appliance.Tests.Controller.Telemetry;

[TestFixture]
public sealed class MetricSeriesTests
{
    private static readonly DateTime Start = new(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);

    internal static ZMetricMsg Message(string dev, DateTime at, double cpu, uint memUsed, ulong rx) => new()
    {
        DevID = dev,
        AtTimeStamp = Timestamp.FromDateTime(at),
        Dm = new deviceMetric
        {
            Memory = new memoryMetric { UsedMem = memUsed, AvailMem = 4096 - memUsed, UsedPercentage = memUsed / 40.96 },
            CpuMetric = new appCpuMetric { UpTime = new Timestamp { Seconds = (long)(at - Start).TotalSeconds } },
            Network = { new networkMetric { IName = "eth0", RxBytes = rx, TxBytes = rx / 2 } },
            Disk = { new diskMetric { MountPath = "/persist", Used = 1000, Total = 8000 } },
            MetricItems = { new MetricItem { Key = "cpu-percent", Type = MetricItemType.MetricItemGauge, FloatValue = (float)cpu } },
        },
    };

    [Test]
    public void Extraction_NamesTheDeviceLevelNumbers()
    {
        var values = MetricValues.Of(Message("d", Start.AddSeconds(90), 12.5, 1024, 5000));
        Assert.That(values, Is.EquivalentTo(new Dictionary<string, double>
        {
            ["cpu.percent"] = 12.5, ["mem.used_mb"] = 1024, ["mem.avail_mb"] = 3072, ["mem.used_percent"] = 1024 / 40.96,
            ["uptime_s"] = 90, ["net.eth0.rx_bytes"] = 5000, ["net.eth0.tx_bytes"] = 2500,
            ["disk./persist.used_mb"] = 1000, ["disk./persist.total_mb"] = 8000,
        }));
    }

    /// <summary>20,000 messages 30 s apart (almost seven days) with windows shrunk so every tier
    /// expires during the flood; each tier stays within its documented bound, and every kept
    /// minute and hour average equals the average of the raw input in that bucket.</summary>
    [Test]
    public void Flood_KeepsEveryTierWithinItsBound_AndRollupsAverageTheRawInput()
    {
        using var dir = new TempDir("series");
        var limits = new StoreLimits
        {
            RawWindow = TimeSpan.FromHours(2), MinuteWindow = TimeSpan.FromHours(12), HourWindow = TimeSpan.FromDays(3),
            RawPointsPerDevice = 200, PruneEvery = 64, MetricsPerDevice = 50,
        };
        using var store = new ControllerStore(dir.Path, limits);
        var clock = new ManualClock(Start);
        var ingest = new TelemetryIngest(store, clock);
        const int n = 20_000;
        var step = TimeSpan.FromSeconds(30);
        var input = new List<(DateTime At, double Cpu, double Mem)>(n);
        int maxRaw = 0, maxMinute = 0, maxHour = 0;
        for (var i = 0; i < n; i++)
        {
            var at = Start + i * step;
            clock.Set(at);
            var cpu = (i * 37 % 101) / 4.0; // floats of quarter steps are exact in float and double
            var mem = (uint)(1000 + i % 977);
            input.Add((at, cpu, mem));
            ingest.Metrics("dev-a", Message("dev-a", at, cpu, mem, (ulong)i * 1000));
            if (i % 397 == 0)
            {
                maxRaw = Math.Max(maxRaw, ingest.Series.Count("dev-a", MetricSeries.Raw));
                maxMinute = Math.Max(maxMinute, ingest.Series.Count("dev-a", MetricSeries.Minute));
                maxHour = Math.Max(maxHour, ingest.Series.Count("dev-a", MetricSeries.Hour));
            }
        }
        // Raw: the count cap (200 < 2 h / 30 s = 240) binds. Minute: 12 h = 720 buckets. Hour: 72.
        Assert.That(maxRaw, Is.InRange(limits.RawPointsPerDevice, limits.RawPointsPerDevice + limits.PruneEvery), "raw tier bound");
        Assert.That(maxMinute, Is.InRange(700, 720 + 1 + limits.PruneEvery), "minute tier bound");
        Assert.That(maxHour, Is.InRange(70, 72 + 1 + limits.PruneEvery), "hour tier bound");
        Assert.That(store.Metrics.Count(), Is.LessThanOrEqualTo(55), "whole messages capped");

        var end = input[^1].At;
        var raw = ingest.Series.Points("dev-a", MetricSeries.Raw, DateTime.MinValue, 10_000);
        Assert.That(raw[^1].At, Is.EqualTo(end), "newest raw point kept");
        foreach (var p in raw)
        {
            var sample = input[(int)((p.At - Start) / step)];
            Assert.That(p.Sums[p.Names.IndexOf("cpu.percent")], Is.EqualTo(sample.Cpu), $"raw cpu at {p.At:O}");
        }
        var slack = limits.PruneEvery * step;
        CheckAverages(ingest.Series.Points("dev-a", MetricSeries.Minute, DateTime.MinValue, 10_000), input, TimeSpan.FromMinutes(1), end - limits.MinuteWindow - slack);
        CheckAverages(ingest.Series.Points("dev-a", MetricSeries.Hour, DateTime.MinValue, 10_000), input, TimeSpan.FromHours(1), end - limits.HourWindow - slack);
    }

    private static void CheckAverages(IReadOnlyList<MetricPointDoc> points, List<(DateTime At, double Cpu, double Mem)> input, TimeSpan bucket, DateTime oldestKeptStart)
    {
        Assert.That(points, Is.Not.Empty);
        Assert.That(points[0].At, Is.GreaterThanOrEqualTo(oldestKeptStart - bucket), "expired buckets are gone");
        foreach (var p in points)
        {
            var inBucket = input.Where(s => s.At >= p.At && s.At < p.At + bucket).ToList();
            Assert.That(p.Count, Is.EqualTo(inBucket.Count), $"{p.Tier} count at {p.At:O}");
            var cpu = p.Names.IndexOf("cpu.percent");
            var mem = p.Names.IndexOf("mem.used_mb");
            Assert.That(p.Sums[cpu] / p.Counts[cpu], Is.EqualTo(inBucket.Average(s => s.Cpu)).Within(1e-9), $"{p.Tier} cpu average at {p.At:O}");
            Assert.That(p.Sums[mem] / p.Counts[mem], Is.EqualTo(inBucket.Average(s => s.Mem)).Within(1e-9), $"{p.Tier} memory average at {p.At:O}");
        }
    }

    [Test]
    public void DeviceClockAhead_IsFiledUnderNow_AndTooOldSamplesSkipExpiredTiers()
    {
        using var dir = new TempDir("series");
        using var store = new ControllerStore(dir.Path);
        var clock = new ManualClock(Start);
        var ingest = new TelemetryIngest(store, clock);
        ingest.Metrics("d", Message("d", Start.AddDays(30), 1, 100, 1));
        ingest.Metrics("d", Message("d", Start.AddDays(-3), 2, 100, 1)); // older than a day: rollups only
        var raw = ingest.Series.Points("d", MetricSeries.Raw, DateTime.MinValue, 10);
        Assert.That(raw.Select(p => p.At), Is.EqualTo(new[] { Start }));
        Assert.That(ingest.Series.Count("d", MetricSeries.Minute), Is.EqualTo(2));
        Assert.That(ingest.Series.Count("d", MetricSeries.Hour), Is.EqualTo(2));
    }
}
