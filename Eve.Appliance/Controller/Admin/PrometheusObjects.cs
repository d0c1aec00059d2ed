using System.Text;
using Eve.Appliance.Store;
using Org.Lfedge.Eve.Metrics;

namespace Eve.Appliance.Controller.Admin;

/// <summary>The per-object part of /metrics: for each device's newest ZMetricMsg, one sample per app,
/// network instance and volume, labelled with the device and the object's UUID and name. Counters
/// (bytes, packets, CPU seconds) are the device's totals since the object started.</summary>
internal static class PrometheusObjects
{
    private static readonly (string Metric, string Type, string Help, Func<appMetric, double?> Value)[] AppSamples =
    [
        ("eve_app_cpu_seconds_total", "counter", "CPU time of the app's VM process, seconds.", a => a.Cpu == null ? null : a.Cpu.TotalNs > 0 ? a.Cpu.TotalNs / 1e9 : a.Cpu.Total),
        ("eve_app_memory_used_mb", "gauge", "Resident memory of the app's VM process, MB.", a => a.AppMemory?.UsedMB ?? a.Memory?.UsedMem),
        ("eve_app_memory_allocated_mb", "gauge", "Memory given to the app, MB.", a => a.AppMemory?.AllocatedMB),
        ("eve_app_network_rx_bytes_total", "counter", "Bytes the app received on its interfaces.", a => a.Network.Count == 0 ? null : a.Network.Sum(n => (double)n.RxBytes)),
        ("eve_app_network_tx_bytes_total", "counter", "Bytes the app sent on its interfaces.", a => a.Network.Count == 0 ? null : a.Network.Sum(n => (double)n.TxBytes)),
        ("eve_app_disk_used_bytes", "gauge", "Bytes allocated by the app's disks on the device.", a => a.Disk.Count == 0 ? null : a.Disk.Sum(d => (double)d.Used)),
    ];

    private static readonly (string Metric, string Type, string Help, Func<ZMetricNetworkInstance, double?> Value)[] NiSamples =
    [
        ("eve_network_instance_rx_bytes_total", "counter", "Bytes received on the network instance's bridge and app interfaces.", n => Stats(n)?.Rx?.TotalBytes),
        ("eve_network_instance_tx_bytes_total", "counter", "Bytes sent on the network instance's bridge and app interfaces.", n => Stats(n)?.Tx?.TotalBytes),
        ("eve_network_instance_rx_packets_total", "counter", "Packets received.", n => Stats(n)?.Rx?.TotalPackets),
        ("eve_network_instance_tx_packets_total", "counter", "Packets sent.", n => Stats(n)?.Tx?.TotalPackets),
        ("eve_network_instance_drops_total", "counter", "Packets dropped (rx + tx).", n => Stats(n) is { } s ? (double)((s.Rx?.Drops ?? 0) + (s.Tx?.Drops ?? 0)) : null),
    ];

    private static readonly (string Metric, string Type, string Help, Func<ZMetricVolume, double?> Value)[] VolumeSamples =
    [
        ("eve_volume_used_bytes", "gauge", "Bytes the volume occupies on the device.", v => v.UsedBytes),
        ("eve_volume_total_bytes", "gauge", "The volume's provisioned size, bytes.", v => v.TotalBytes),
    ];

    public static void Render(StringBuilder text, IReadOnlyList<(DeviceDoc Device, ZMetricMsg Latest)> devices)
    {
        foreach (var (metric, type, help, value) in AppSamples)
            Write(text, metric, type, help, devices.SelectMany(d => d.Latest.Am.Select(a => (d.Device, $"app=\"{E(a.AppID)}\",app_name=\"{E(a.AppName)}\"", value(a)))));
        foreach (var (metric, type, help, value) in NiSamples)
            Write(text, metric, type, help, devices.SelectMany(d => d.Latest.Nm.Select(n => (d.Device, $"network_instance=\"{E(n.NetworkID)}\",name=\"{E(n.Displayname)}\"", value(n)))));
        foreach (var (metric, type, help, value) in VolumeSamples)
            Write(text, metric, type, help, devices.SelectMany(d => d.Latest.Vm.Select(v => (d.Device, $"volume=\"{E(v.Uuid)}\",name=\"{E(v.DisplayName)}\"", value(v)))));
    }

    private static void Write(StringBuilder text, string metric, string type, string help, IEnumerable<(DeviceDoc Device, string Labels, double? Value)> samples)
    {
        PrometheusText.Header(text, metric, type, help);
        foreach (var (device, labels, value) in samples)
            if (value is { } v) PrometheusText.Sample(text, metric, $"device=\"{E(device.Id)}\",{labels}", v);
    }

    /// <summary>NI counters: the aggregate the agent computed, else the sum of its interfaces.</summary>
    private static ZMetricNetworkStats? Stats(ZMetricNetworkInstance n)
    {
        if (n.NetworkStats != null) return n.NetworkStats;
        if (n.Network.Count == 0) return null;
        return new ZMetricNetworkStats
        {
            Rx = new NetworkStats { TotalBytes = n.Network.Aggregate(0UL, (s, x) => s + x.RxBytes), TotalPackets = n.Network.Aggregate(0UL, (s, x) => s + x.RxPkts), Drops = n.Network.Aggregate(0UL, (s, x) => s + x.RxDrops) },
            Tx = new NetworkStats { TotalBytes = n.Network.Aggregate(0UL, (s, x) => s + x.TxBytes), TotalPackets = n.Network.Aggregate(0UL, (s, x) => s + x.TxPkts), Drops = n.Network.Aggregate(0UL, (s, x) => s + x.TxDrops) },
        };
    }

    private static string E(string s) => PrometheusText.Escape(s);
}
