using System.Net;

namespace Eve.Appliance.Agent.Connectivity;

/// <summary>EVE's proxy exceptions (Go's <c>NO_PROXY</c> rules): a comma/space separated list where
/// <c>example.com</c> matches that host and its subdomains, <c>.example.com</c> only subdomains, an IP
/// or CIDR matches addresses, <c>host:port</c> also the port, and <c>*</c> everything.</summary>
internal static class ProxyExceptions
{
    public static bool Matches(string? exceptions, Uri destination)
    {
        if (string.IsNullOrWhiteSpace(exceptions)) return false;
        var host = destination.IdnHost.Trim('[', ']').ToLowerInvariant();
        foreach (var raw in exceptions.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries))
        {
            var entry = raw.ToLowerInvariant();
            if (entry == "*") return true;
            if (IPNetwork.TryParse(entry, out var net))
            {
                if (IPAddress.TryParse(host, out var a) && net.Contains(a)) return true;
                continue;
            }
            if (IPAddress.TryParse(entry, out var ip))
            {
                if (IPAddress.TryParse(host, out var a) && a.Equals(ip)) return true;
                continue;
            }
            var name = entry;
            var colon = entry.LastIndexOf(':');
            if (colon > 0 && int.TryParse(entry.AsSpan(colon + 1), out var port))
            {
                if (port != destination.Port) continue;
                name = entry[..colon];
            }
            if (name.StartsWith('.'))
            {
                if (host.EndsWith(name, StringComparison.Ordinal)) return true;
            }
            else if (host == name || host.EndsWith("." + name, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }
}
