using Eve.Appliance.Agent.Telemetry.Proc;
using Google.Protobuf.WellKnownTypes;
using Org.Lfedge.Eve.Metrics;

namespace Eve.Appliance.Agent.Telemetry;

/// <summary>Builds the device part of <see cref="ZMetricMsg"/> from /proc (WIRE.md C.4 deviceMetric,
/// memoryMetric, networkMetric, diskMetric, appCpuMetric). Units follow EVE: memory and disk sizes in MB,
/// CPU totals in seconds plus total_ns, cpuMetric.upTime as the epoch plus the uptime. CPU busy
/// percentage needs two samples, so the collector keeps the previous /proc/stat reading.</summary>
internal sealed class DeviceMetricsCollector(IProcReader proc, TimeProvider time, string devId)
{
    /// <summary>MetricItem keys we add (deviceMetric has no CPU percentage or load field of its own).</summary>
    public const string CpuPercentKey = "cpu-percent", Load1Key = "load-1m", Load5Key = "load-5m", Load15Key = "load-15m";

    private readonly Lock _gate = new();
    private CpuTimes? _previousCpu;

    /// <summary>Busy CPU % between the last two <see cref="Collect"/> calls; null after the first.</summary>
    public double? LastCpuPercent { get; private set; }

    public ZMetricMsg Collect(DeviceMetricsInputs? inputs = null)
    {
        inputs ??= new DeviceMetricsInputs();
        var dm = new deviceMetric();
        var mem = proc.ReadMemory();
        dm.Memory = MemoryMetricOf(mem);
        dm.DeviceMemory = new DeviceMemoryMetric
        {
            MemoryMB = ToMb(mem.TotalKb * 1024),
            AllocatedAppsMB = inputs.AllocatedAppsMb,
            UsedEveMB = ToMb(proc.ReadSelfRssKb() * 1024),
        };
        foreach (var n in proc.ReadNetDev()) dm.Network.Add(NetworkMetricOf(n));
        foreach (var d in proc.ReadDiskIo())
        {
            dm.Disk.Add(new diskMetric
            {
                Disk = d.Name, ReadBytes = d.ReadBytes, WriteBytes = d.WriteBytes, ReadCount = d.ReadCount, WriteCount = d.WriteCount,
            });
        }
        foreach (var m in proc.ReadMounts())
        {
            // EVE names mount entries by their path (disk = mountPath), sizes in MB.
            dm.Disk.Add(new diskMetric
            {
                Disk = m.MountPath, MountPath = m.MountPath, Total = ToMb(m.TotalBytes), Used = ToMb(m.UsedBytes), Free = ToMb(m.FreeBytes),
            });
        }
        dm.CpuMetric = CpuMetricOf(proc.ReadCpuTimes(), proc.ReadUptimeSeconds());
        if (LastCpuPercent is { } cpu) dm.MetricItems.Add(Gauge(CpuPercentKey, cpu));
        var load = proc.ReadLoadAverage();
        dm.MetricItems.Add(Gauge(Load1Key, load.One));
        dm.MetricItems.Add(Gauge(Load5Key, load.Five));
        dm.MetricItems.Add(Gauge(Load15Key, load.Fifteen));
        dm.Zedcloud.AddRange(inputs.Zedcloud);
        if (inputs.LastReceivedConfig is { } received) dm.LastReceivedConfig = Timestamp.FromDateTimeOffset(received);
        if (inputs.LastProcessedConfig is { } processed) dm.LastProcessedConfig = Timestamp.FromDateTimeOffset(processed);
        inputs.Extend?.Invoke(dm);
        return new ZMetricMsg { DevID = devId, AtTimeStamp = Timestamp.FromDateTimeOffset(time.GetUtcNow()), Dm = dm };
    }

    public static memoryMetric MemoryMetricOf(MemoryInfo mem) => new()
    {
        UsedMem = ToMb(mem.UsedKb * 1024),
        AvailMem = ToMb(mem.AvailableKb * 1024),
        UsedPercentage = mem.TotalKb == 0 ? 0 : 100.0 * mem.UsedKb / mem.TotalKb,
        AvailPercentage = mem.TotalKb == 0 ? 0 : 100.0 * mem.AvailableKb / mem.TotalKb,
    };

    public static networkMetric NetworkMetricOf(NetDevCounters n) => new()
    {
        IName = n.Name, LocalName = n.Name,
        TxBytes = n.TxBytes, RxBytes = n.RxBytes, TxPkts = n.TxPackets, RxPkts = n.RxPackets,
        TxDrops = n.TxDrops, RxDrops = n.RxDrops, TxErrors = n.TxErrors, RxErrors = n.RxErrors,
    };

    private appCpuMetric CpuMetricOf(CpuTimes cpu, double uptimeSeconds)
    {
        lock (_gate)
        {
            if (_previousCpu is { } previous) LastCpuPercent = cpu.BusyPercentSince(previous);
            _previousCpu = cpu;
        }
        const ulong nsPerTick = 1_000_000_000 / CpuTimes.TicksPerSecond;
        return new appCpuMetric
        {
            UpTime = new Timestamp { Seconds = (long)uptimeSeconds, Nanos = (int)((uptimeSeconds % 1) * 1e9) },
            Total = cpu.BusyTicks / CpuTimes.TicksPerSecond,
            TotalNs = cpu.BusyTicks * nsPerTick,
            SystemTotal = cpu.TotalTicks / CpuTimes.TicksPerSecond,
        };
    }

    private static MetricItem Gauge(string key, double value) =>
        new() { Key = key, Type = MetricItemType.MetricItemGauge, FloatValue = (float)value };

    /// <summary>Bytes to MB (2^20), rounded to nearest, saturating at uint.MaxValue.</summary>
    public static uint ToMb(ulong bytes) => (uint)Math.Min((bytes + (1UL << 19)) >> 20, uint.MaxValue);
}
