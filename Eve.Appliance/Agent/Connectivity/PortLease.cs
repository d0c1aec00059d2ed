using System.Globalization;

namespace Eve.Appliance.Agent.Connectivity;

/// <summary>What a port's DHCP client learnt, as <see cref="DhcpcdClient"/>'s hook writes it into the run
/// folder (<c>lease4-IF</c> for DHCPv4, <c>lease6-IF</c> for DHCPv6, <c>key=value</c> lines), merged with the
/// port's static settings (static DNS servers win, as in EVE). Read on every connection, so plain files.</summary>
internal static class PortLease
{
    /// <summary>The port's DNS servers: static ones, else those of the DHCPv4 lease, then DHCPv6's.</summary>
    public static IReadOnlyList<string> DnsServers(string runDir, DpcPort port) =>
        port.DnsServers is { Count: > 0 } s
            ? s
            : [.. Words(Value(runDir, "lease4", port.IfName, "dns")).Concat(Words(Value(runDir, "lease6", port.IfName, "dns"))).Distinct(StringComparer.Ordinal)];

    public static string? Domain(string runDir, DpcPort port) =>
        port.DomainName
        ?? Words(Value(runDir, "lease4", port.IfName, "domain")).FirstOrDefault()
        ?? Words(Value(runDir, "lease4", port.IfName, "search")).FirstOrDefault()
        ?? Words(Value(runDir, "lease6", port.IfName, "search")).FirstOrDefault();

    /// <summary>The addresses the DHCP servers leased (v4 with its prefix, v6 IA_NA), for diagnostics.</summary>
    public static IReadOnlyList<string> Leased(string runDir, string ifName)
    {
        var result = new List<string>();
        if (Value(runDir, "lease4", ifName, "ip_address") is { Length: > 0 } v4)
            result.Add(Value(runDir, "lease4", ifName, "subnet_cidr") is { Length: > 0 } cidr ? $"{v4}/{cidr}" : v4);
        if (Value(runDir, "lease6", ifName, "ia_addr") is { Length: > 0 } v6) result.Add(v6);
        return result;
    }

    /// <summary>DHCP option 252 (the WPAD URL), which dhcpcd hands to its hook as <c>wpad_url</c>.</summary>
    public static string? WpadUrl(string runDir, string ifName)
    {
        var text = Value(runDir, "lease4", ifName, "wpad_url")?.Trim().TrimEnd('\0');
        return !string.IsNullOrEmpty(text) && Uri.TryCreate(text, UriKind.Absolute, out _) ? text : null;
    }

    /// <summary>dhcpcd's <c>key=value</c> lines (hook file or <c>--dumplease</c>); values may be in single quotes.</summary>
    public static Dictionary<string, string> ParseVariables(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) continue;
            var value = line[(eq + 1)..];
            if (value.Length >= 2 && value[0] == '\'' && value[^1] == '\'') value = value[1..^1].Replace("'\\''", "'", StringComparison.Ordinal);
            result[line[..eq]] = value;
        }
        return result;
    }

    private static string? Value(string runDir, string family, string ifName, string key)
    {
        var path = Path.Combine(runDir, string.Create(CultureInfo.InvariantCulture, $"{family}-{ifName}"));
        try
        {
            return File.Exists(path) && ParseVariables(File.ReadAllText(path)).TryGetValue(key, out var v) ? v : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string[] Words(string? s) => s?.Split([' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries) ?? [];
}
