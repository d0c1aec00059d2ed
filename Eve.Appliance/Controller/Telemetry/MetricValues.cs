using Org.Lfedge.Eve.Metrics;

namespace Eve.Appliance.Controller.Telemetry;

/// <summary>
/// The device-level numbers the controller keeps as time series, pulled out of a ZMetricMsg under
/// stable names: cpu.percent, mem.used_mb, mem.avail_mb, mem.used_percent, uptime_s,
/// net.&lt;if&gt;.rx_bytes / tx_bytes, disk.&lt;mount&gt;.used_mb / total_mb, and every gauge
/// metric item as item.&lt;key&gt; (load averages). Units are EVE's (memory and disk in MB).
/// </summary>
internal static class MetricValues
{
    /// <summary>Cap on names per message, so a device cannot blow up a document with thousands of
    /// interfaces or mounts.</summary>
    public const int MaxNames = 128;

    public const string CpuPercent = "cpu.percent", MemUsed = "mem.used_mb", MemAvail = "mem.avail_mb", Uptime = "uptime_s";

    public static Dictionary<string, double> Of(ZMetricMsg msg)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        var dm = msg.Dm;
        if (dm == null) return values;
        foreach (var item in dm.MetricItems)
        {
            if (item.Type != MetricItemType.MetricItemGauge || item.Key == "") continue;
            var value = item.MetricItemValueCase switch
            {
                MetricItem.MetricItemValueOneofCase.FloatValue => item.FloatValue,
                MetricItem.MetricItemValueOneofCase.Uint32Value => item.Uint32Value,
                MetricItem.MetricItemValueOneofCase.Uint64Value => item.Uint64Value,
                _ => double.NaN,
            };
            if (double.IsFinite(value)) Add(values, item.Key == "cpu-percent" ? CpuPercent : $"item.{item.Key}", value);
        }
        if (dm.Memory != null)
        {
            Add(values, MemUsed, dm.Memory.UsedMem);
            Add(values, MemAvail, dm.Memory.AvailMem);
            Add(values, "mem.used_percent", dm.Memory.UsedPercentage);
        }
        if (dm.CpuMetric?.UpTime != null) Add(values, Uptime, dm.CpuMetric.UpTime.Seconds + dm.CpuMetric.UpTime.Nanos / 1e9);
        foreach (var n in dm.Network)
        {
            if (n.IName == "") continue;
            Add(values, $"net.{n.IName}.rx_bytes", n.RxBytes);
            Add(values, $"net.{n.IName}.tx_bytes", n.TxBytes);
        }
        foreach (var d in dm.Disk)
        {
            var mount = d.MountPath != "" ? d.MountPath : d.Disk;
            if (mount == "") continue;
            Add(values, $"disk.{mount}.used_mb", d.Used);
            Add(values, $"disk.{mount}.total_mb", d.Total);
        }
        return values;
    }

    private static void Add(Dictionary<string, double> values, string name, double value)
    {
        var key = name.Length > 200 ? name[..200] : name;
        if (values.Count < MaxNames || values.ContainsKey(key)) values[key] = value;
    }
}
