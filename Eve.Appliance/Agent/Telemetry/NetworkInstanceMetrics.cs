using System.Text.Json;
using Eve.Appliance.Agent.Telemetry.Proc;
using Eve.Appliance.Platform.Processes;
using Org.Lfedge.Eve.Metrics;

namespace Eve.Appliance.Agent.Telemetry;

/// <summary>One network instance as the metrics see it: its bridge and the app vifs on it.</summary>
internal sealed record NetworkInstanceLinks(string Uuid, string DisplayName, uint Kind, string Bridge, IReadOnlyList<string> Vifs);

/// <summary>ZMetricNetworkInstance from the kernel's interface counters in the apps' namespace (the
/// numbers /sys/class/net/*/statistics shows there, read with one `ip -s -j link` instead of entering
/// the namespace per file). Each instance lists its bridge and vifs; networkStats sums the vifs, i.e.
/// the apps' traffic, counted from the host side (a vif's rx is what its app sent).</summary>
internal static class NetworkInstanceMetrics
{
    public static async Task<IReadOnlyList<ZMetricNetworkInstance>> ReadAsync(IProcessRunner runner, string? netns,
        IReadOnlyList<NetworkInstanceLinks> instances, CancellationToken ct)
    {
        if (instances.Count == 0) return [];
        string[] args = netns != null ? ["-n", netns, "-s", "-j", "link", "show"] : ["-s", "-j", "link", "show"];
        var result = await runner.RunAsync("ip", args, ct: ct).ConfigureAwait(false);
        return Build(instances, ParseIpLinkJson(result.Stdout));
    }

    public static IReadOnlyList<ZMetricNetworkInstance> Build(IReadOnlyList<NetworkInstanceLinks> instances, IReadOnlyDictionary<string, NetDevCounters> counters)
    {
        var list = new List<ZMetricNetworkInstance>();
        foreach (var ni in instances)
        {
            var m = new ZMetricNetworkInstance { NetworkID = ni.Uuid, Displayname = ni.DisplayName, InstType = ni.Kind, Activated = counters.ContainsKey(ni.Bridge) };
            if (counters.TryGetValue(ni.Bridge, out var bridge)) m.Network.Add(DeviceMetricsCollector.NetworkMetricOf(bridge));
            var rx = new NetworkStats();
            var tx = new NetworkStats();
            foreach (var vif in ni.Vifs)
            {
                if (!counters.TryGetValue(vif, out var c)) continue;
                m.Network.Add(DeviceMetricsCollector.NetworkMetricOf(c));
                rx.TotalBytes += c.RxBytes;
                rx.TotalPackets += c.RxPackets;
                rx.Errors += c.RxErrors;
                rx.Drops += c.RxDrops;
                tx.TotalBytes += c.TxBytes;
                tx.TotalPackets += c.TxPackets;
                tx.Errors += c.TxErrors;
                tx.Drops += c.TxDrops;
            }
            m.NetworkStats = new ZMetricNetworkStats { Rx = rx, Tx = tx };
            list.Add(m);
        }
        return list;
    }

    /// <summary>Counters per interface from `ip -s -j link show` (iproute2's stats64 object).</summary>
    public static Dictionary<string, NetDevCounters> ParseIpLinkJson(string json)
    {
        var counters = new Dictionary<string, NetDevCounters>(StringComparer.Ordinal);
        using var doc = JsonDocument.Parse(json);
        foreach (var link in doc.RootElement.EnumerateArray())
        {
            if (!link.TryGetProperty("ifname", out var name) || !link.TryGetProperty("stats64", out var stats)) continue;
            var rx = stats.GetProperty("rx");
            var tx = stats.GetProperty("tx");
            counters[name.GetString()!] = new NetDevCounters(name.GetString()!,
                U(rx, "bytes"), U(rx, "packets"), U(rx, "errors"), U(rx, "dropped"),
                U(tx, "bytes"), U(tx, "packets"), U(tx, "errors"), U(tx, "dropped"));
        }
        return counters;
    }

    private static ulong U(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.TryGetUInt64(out var u) ? u : 0;
}
