using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Eve.Appliance.Agent.Networks;

/// <summary>How a switch instance learns its apps' addresses without running DHCP: a bridge-family nft
/// table whose rule adds the sender (IP, MAC) of every ARP and IPv4 frame an app sends into a dynamic set,
/// in the kernel, so nothing is captured in user space. The networks part reads the set back
/// (<see cref="ParseLearned"/>) and reports each app's address in info. Entries time out after an hour
/// without traffic, like a neighbour table.</summary>
internal static class SwitchLearning
{
    public const string Family = "bridge";
    public const string Set = "learned";

    public static (string Text, string Hash) Build(string table, IReadOnlyList<string> vifs)
    {
        var ports = string.Join(", ", vifs.Order(StringComparer.Ordinal).Select(v => $"\"{v}\""));
        var body = new StringBuilder();
        body.Append("  set ").Append(Set).Append(" {\n")
            .Append("    type ipv4_addr . ether_addr; flags dynamic,timeout; timeout 1h;\n  }\n");
        body.Append("  chain learn {\n")
            .Append("    type filter hook prerouting priority filter; policy accept;\n")
            .Append("    iifname { ").Append(ports).Append(" } ether type arp arp saddr ip != 0.0.0.0 update @").Append(Set)
            .Append(" { arp saddr ip . arp saddr ether }\n")
            .Append("    iifname { ").Append(ports).Append(" } ether type ip ip saddr != 0.0.0.0 update @").Append(Set)
            .Append(" { ip saddr . ether saddr }\n")
            .Append("  }\n");
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body.ToString())))[..16];
        return ($"table {Family} {table} {{\n  comment \"eve:{hash}\"\n{body}}}\n", hash);
    }

    /// <summary>(IP, MAC) pairs from <c>nft -j list table bridge …</c>; MACs lower-case.</summary>
    public static IReadOnlyList<(string Ip, string Mac)> ParseLearned(string? json)
    {
        var pairs = new List<(string, string)>();
        if (string.IsNullOrEmpty(json)) return pairs;
        using var doc = JsonDocument.Parse(json);
        if (!doc.RootElement.TryGetProperty("nftables", out var items)) return pairs;
        foreach (var item in items.EnumerateArray())
        {
            if (!item.TryGetProperty("set", out var set) || set.GetProperty("name").GetString() != Set) continue;
            if (!set.TryGetProperty("elem", out var elems)) continue;
            foreach (var e in elems.EnumerateArray())
            {
                // An element with a timeout is {"elem": {"val": {"concat": [...]}, "expires": N}}; without, {"concat": [...]}.
                var v = e.TryGetProperty("elem", out var inner) ? inner.GetProperty("val") : e;
                if (!v.TryGetProperty("concat", out var concat) || concat.GetArrayLength() != 2) continue;
                pairs.Add((concat[0].GetString() ?? "", (concat[1].GetString() ?? "").ToLowerInvariant()));
            }
        }
        return pairs;
    }
}
