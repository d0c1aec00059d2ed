using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Eve.Appliance.Agent.Connectivity;

/// <summary>Turns a port's <see cref="DpcProxy"/> into a working <see cref="PortProxy"/>: static servers
/// as they are; a PAC script given inline (EVE sends it base64-encoded), fetched from
/// <c>NetworkProxyURL</c>, or discovered by WPAD as EVE does — the URL in DHCP option 252 first, then
/// <c>http://wpad.DOMAIN/wpad.dat</c> for the port's domain and each parent down to two labels. PAC
/// files are fetched directly through the port itself.</summary>
internal static class ProxyLoader
{
    public static async Task<PortProxy> LoadAsync(string netns, string runDir, DpcPort port, IReadOnlyList<string> dnsServers,
        string myIp, TimeSpan timeout, CancellationToken ct)
    {
        var p = port.Proxy;
        if (p == null) return PortProxy.Direct;
        if (p.Pac != null) return new PortProxy(p, Compile(DecodePac(p.Pac), "inline PAC", netns, port, dnsServers, myIp), "PAC (inline in the DPC)");
        if (p.NetworkProxyUrl != null)
        {
            var text = await FetchAsync(netns, port, dnsServers, new Uri(p.NetworkProxyUrl), timeout, ct).ConfigureAwait(false);
            return new PortProxy(p, Compile(text, p.NetworkProxyUrl, netns, port, dnsServers, myIp), $"PAC from {p.NetworkProxyUrl}");
        }
        if (p.Wpad)
        {
            var tried = new List<string>();
            foreach (var url in WpadCandidates(PortLease.WpadUrl(runDir, port.IfName), PortLease.Domain(runDir, port)))
            {
                try
                {
                    var text = await FetchAsync(netns, port, dnsServers, url, timeout, ct).ConfigureAwait(false);
                    return new PortProxy(p, Compile(text, url.ToString(), netns, port, dnsServers, myIp), $"PAC from WPAD {url}");
                }
                catch (Exception e) when (e is IOException or HttpRequestException or TaskCanceledException or FormatException)
                {
                    tried.Add($"{url}: {PortHttp.Describe(e)}");
                }
            }
            throw new IOException(tried.Count == 0
                ? $"{port.IfName}: WPAD enabled but neither DHCP option 252 nor a domain name tells where to look"
                : $"{port.IfName}: WPAD found no PAC file ({string.Join("; ", tried)})");
        }
        var servers = string.Join(", ", p.Servers.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Protocol} {s.Display}")));
        if (servers.Length == 0) return new PortProxy(p, null, "direct (with proxy CA certificates)");
        return new PortProxy(p, null, p.Exceptions is { } ex ? $"{servers} (except {ex})" : servers);
    }

    /// <summary>EVE's WPAD search order: option 252, then wpad.a.b.c, wpad.b.c for domain a.b.c.</summary>
    public static IEnumerable<Uri> WpadCandidates(string? option252, string? domain)
    {
        if (option252 != null) yield return new Uri(option252);
        if (string.IsNullOrEmpty(domain)) yield break;
        var labels = domain.Trim('.').Split('.');
        for (var i = 0; labels.Length - i >= 2 || (i == 0 && labels.Length == 1); i++)
            yield return new Uri($"http://wpad.{string.Join('.', labels[i..])}/wpad.dat");
    }

    public static string DecodePac(string pac)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(pac));
            if (text.Contains("FindProxyForURL", StringComparison.Ordinal)) return text;
        }
        catch (FormatException)
        {
            // Not base64: taken as the script itself.
        }
        return pac;
    }

    private static PacScript Compile(string text, string source, string netns, DpcPort port, IReadOnlyList<string> dns, string myIp)
    {
        try
        {
            return new PacScript(text, host => Resolve(netns, port.IfName, dns, host), () => myIp);
        }
        catch (FormatException e)
        {
            throw new FormatException($"{port.IfName}: {source}: {e.Message}", e);
        }
    }

    // PAC functions are synchronous; a name lookup from inside one waits for the port's resolver (cold path).
    private static string? Resolve(string netns, string ifName, IReadOnlyList<string> dns, string host)
    {
        try
        {
            var all = PortDnsResolver.ResolveAsync(netns, ifName, dns, host, TimeSpan.FromSeconds(2), CancellationToken.None).GetAwaiter().GetResult();
            return all.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)?.ToString() ?? all.FirstOrDefault()?.ToString();
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static async Task<string> FetchAsync(string netns, DpcPort port, IReadOnlyList<string> dns, Uri url, TimeSpan timeout, CancellationToken ct)
    {
        using var http = PortHttp.Create(netns, port, dns, timeout, null, null);
        using var resp = await http.GetAsync(url, ct).ConfigureAwait(false);
        if (!resp.IsSuccessStatusCode) throw new IOException($"HTTP {(int)resp.StatusCode}");
        return await resp.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
    }
}
