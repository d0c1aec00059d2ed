using Org.Lfedge.Eve.Metrics;

namespace Eve.Appliance.Controller.Telemetry;

/// <summary>
/// The per-object numbers of a ZMetricMsg, one series per object under the device:
/// app/&lt;uuid&gt; (cpu.total_s, mem.used_mb, mem.allocated_mb, net.rx_bytes, net.tx_bytes,
/// disk.used_bytes, disk.provisioned_bytes), ni/&lt;uuid&gt; (rx_bytes, tx_bytes, rx_pkts, tx_pkts,
/// rx_drops, tx_drops) and vol/&lt;uuid&gt; (used_bytes, total_bytes, free_bytes, read_bytes,
/// write_bytes). Counters are kept as the device sent them (totals since start); rates are the
/// reader's business. At most <see cref="MaxObjectsPerKind"/> objects of each kind per message.
/// </summary>
internal static class ObjectMetricValues
{
    public const int MaxObjectsPerKind = 64;
    public const string App = "app", NetworkInstance = "ni", Volume = "vol";

    public static IEnumerable<(string Object, Dictionary<string, double> Values)> Of(ZMetricMsg msg)
    {
        foreach (var a in msg.Am.Where(a => Guid.TryParse(a.AppID, out _)).Take(MaxObjectsPerKind))
        {
            var v = new Dictionary<string, double>(StringComparer.Ordinal);
            if (a.Cpu != null) v["cpu.total_s"] = a.Cpu.TotalNs > 0 ? a.Cpu.TotalNs / 1e9 : a.Cpu.Total;
            if (a.AppMemory != null)
            {
                v["mem.used_mb"] = a.AppMemory.UsedMB;
                v["mem.allocated_mb"] = a.AppMemory.AllocatedMB;
            }
            else if (a.Memory != null)
            {
                v["mem.used_mb"] = a.Memory.UsedMem;
            }
            if (a.Network.Count > 0)
            {
                v["net.rx_bytes"] = a.Network.Sum(n => (double)n.RxBytes);
                v["net.tx_bytes"] = a.Network.Sum(n => (double)n.TxBytes);
            }
            if (a.Disk.Count > 0)
            {
                v["disk.used_bytes"] = a.Disk.Sum(d => (double)d.Used);
                v["disk.provisioned_bytes"] = a.Disk.Sum(d => (double)d.Provisioned);
            }
            yield return (Key(App, a.AppID), v);
        }
        foreach (var n in msg.Nm.Where(n => Guid.TryParse(n.NetworkID, out _)).Take(MaxObjectsPerKind))
        {
            var v = new Dictionary<string, double>(StringComparer.Ordinal);
            if (n.NetworkStats is { Rx: not null, Tx: not null } s)
            {
                v["rx_bytes"] = s.Rx.TotalBytes;
                v["tx_bytes"] = s.Tx.TotalBytes;
                v["rx_pkts"] = s.Rx.TotalPackets;
                v["tx_pkts"] = s.Tx.TotalPackets;
                v["rx_drops"] = s.Rx.Drops;
                v["tx_drops"] = s.Tx.Drops;
            }
            else if (n.Network.Count > 0)
            {
                v["rx_bytes"] = n.Network.Sum(x => (double)x.RxBytes);
                v["tx_bytes"] = n.Network.Sum(x => (double)x.TxBytes);
                v["rx_pkts"] = n.Network.Sum(x => (double)x.RxPkts);
                v["tx_pkts"] = n.Network.Sum(x => (double)x.TxPkts);
                v["rx_drops"] = n.Network.Sum(x => (double)x.RxDrops);
                v["tx_drops"] = n.Network.Sum(x => (double)x.TxDrops);
            }
            yield return (Key(NetworkInstance, n.NetworkID), v);
        }
        foreach (var vol in msg.Vm.Where(v => Guid.TryParse(v.Uuid, out _)).Take(MaxObjectsPerKind))
        {
            yield return (Key(Volume, vol.Uuid), new Dictionary<string, double>(StringComparer.Ordinal)
            {
                ["used_bytes"] = vol.UsedBytes,
                ["total_bytes"] = vol.TotalBytes,
                ["free_bytes"] = vol.FreeBytes,
                ["read_bytes"] = vol.ReadBytes,
                ["write_bytes"] = vol.WriteBytes,
            });
        }
    }

    /// <summary>"app/&lt;uuid&gt;" (lower-case UUID), the suffix of the object's series key.</summary>
    public static string Key(string kind, string uuid) => $"{kind}/{Guid.Parse(uuid):D}";

    /// <summary>Checks an operator's "kind/uuid" and normalises it; null when it is not one.</summary>
    public static string? Parse(string obj)
    {
        var slash = obj.IndexOf('/');
        if (slash < 0) return null;
        var kind = obj[..slash];
        return kind is App or NetworkInstance or Volume && Guid.TryParse(obj[(slash + 1)..], out var g) ? $"{kind}/{g:D}" : null;
    }

    /// <summary>The series key of one object of a device.</summary>
    public static string SeriesKey(string deviceId, string obj) => $"{deviceId}/{obj}";
}
