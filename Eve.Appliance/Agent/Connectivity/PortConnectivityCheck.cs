using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Platform.Net;
using Eve.Appliance.Platform.Processes;

namespace Eve.Appliance.Agent.Connectivity;

/// <summary>One round of tests on one port, stopping at the first thing that is wrong and saying it in
/// words a technician can act on ("eth0: DHCP lease 10.1.2.3; DNS ok; proxy http 10.1.2.1:3128;
/// controller answers"). Also used by <c>eve-appliance diag</c>.</summary>
internal sealed class PortConnectivityCheck(IProcessRunner runner, string netns, string runDir, Uri? controller,
    X509Certificate2Collection? roots, X509Certificate2Collection? tlsRoots, TimeSpan timeout, TimeProvider time)
{
    public async Task<(PortState State, PortProxy? Proxy)> TestAsync(DpcPort port, CancellationToken ct)
    {
        var notes = new List<string>();
        var dns = PortLease.DnsServers(runDir, port);
        var domain = PortLease.Domain(runDir, port);
        var link = await runner.RunAsync("ip", NetnsCommand.Ip(netns, ["-o", "link", "show", "dev", port.IfName]), check: false, ct: ct).ConfigureAwait(false);
        if (link.ExitCode != 0) return (Fail(port, false, [], [], dns, domain, null, $"port missing in namespace {netns}"), null);
        var up = link.Stdout.Contains("state UP", StringComparison.Ordinal) || link.Stdout.Contains(",UP,", StringComparison.Ordinal) && !link.Stdout.Contains("NO-CARRIER", StringComparison.Ordinal);
        var addrs = await AddressesAsync(port.IfName, ct).ConfigureAwait(false);
        var routers = await RoutersAsync(port.IfName, ct).ConfigureAwait(false);
        if (link.Stdout.Contains("NO-CARRIER", StringComparison.Ordinal))
            return (Fail(port, false, addrs, routers, dns, domain, null, "no carrier (cable unplugged or the other end is down)"), null);
        var v4 = addrs.FirstOrDefault(a => !a.Contains(':', StringComparison.Ordinal));
        if (v4 == null && !addrs.Any(a => a.Contains(':', StringComparison.Ordinal) && !a.StartsWith("fe80", StringComparison.Ordinal)))
            return (Fail(port, up, addrs, routers, dns, domain, null, port.Dhcp ? "no address yet (no DHCP lease, no IPv6 router advertisement)" : "no address (static address not applied)"), null);
        notes.Add(port.Dhcp ? $"DHCP lease {string.Join(", ", addrs)}" : $"static {string.Join(", ", addrs)}");
        if (routers.Count == 0)
            return (Fail(port, up, addrs, routers, dns, domain, null, $"{notes[0]}; no default route (no router in the lease / no gateway)"), null);
        var myIp = v4?.Split('/')[0] ?? "127.0.0.1";

        if (controller == null || !System.Net.IPAddress.TryParse(controller.Host, out _))
        {
            var dnsError = dns.Count == 0
                ? "no DNS server"
                : controller == null
                    ? await PortDnsResolver.ProbeAsync(netns, port.IfName, dns[0], timeout, ct).ConfigureAwait(false)
                    : await ResolveErrorAsync(port.IfName, dns, controller.Host, ct).ConfigureAwait(false);
            if (dnsError != null) return (Fail(port, up, addrs, routers, dns, domain, null, $"{string.Join("; ", notes)}; DNS: {dnsError}"), null);
            notes.Add("DNS ok");
        }

        PortProxy proxy;
        try
        {
            proxy = await ProxyLoader.LoadAsync(netns, runDir, port, dns, myIp, timeout, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or FormatException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return (Fail(port, up, addrs, routers, dns, domain, null, $"{string.Join("; ", notes)}; proxy: {PortHttp.Describe(e)}"), null);
        }
        if (!proxy.IsDirect) notes.Add($"proxy {proxy.Description}");
        if (controller == null)
            return (new PortState(port.IfName, up, addrs, routers, dns, domain, proxy.Description, true, string.Join("; ", notes), time.GetUtcNow()), proxy);

        var via = proxy.ProxyFor(controller) is { } p ? $" via proxy {p.Authority}" : "";
        try
        {
            using var http = PortHttp.Create(netns, port, dns, timeout, proxy, null);
            using (var resp = await http.GetAsync(new Uri(controller, "/api/v2/edgedevice/ping"), ct).ConfigureAwait(false))
            {
                // Through a proxy an error status is usually the proxy's own ("Unable to connect"), not the controller's.
                if ((int)resp.StatusCode == 407)
                    return (Fail(port, up, addrs, routers, dns, domain, proxy.Description, $"{string.Join("; ", notes)}; /ping{via}: {PortHttp.ProxyAuthWords}"), proxy);
                // tinyproxy, for one, answers 407 first and 401 to credentials it does not accept.
                if ((int)resp.StatusCode == 401 && via != "" && proxy.HasCredentials)
                    return (Fail(port, up, addrs, routers, dns, domain, proxy.Description,
                        $"{string.Join("; ", notes)}; /ping{via}: {PortHttp.ProxyAuthWords} (it answered 401 Unauthorized to the ones we sent)"), proxy);
                if (!resp.IsSuccessStatusCode)
                    return (Fail(port, up, addrs, routers, dns, domain, proxy.Description,
                        $"{string.Join("; ", notes)}; /ping{via} answered {(int)resp.StatusCode} {resp.ReasonPhrase}{(via != "" ? " (the proxy cannot reach the controller?)" : "")}"), proxy);
                notes.Add($"controller answers /ping ({(int)resp.StatusCode}){via}");
            }
            if (roots != null)
            {
                using var checkedHttp = PortHttp.Create(netns, port, dns, timeout, proxy, tlsRoots ?? roots);
                if (await NetnsConnectivityTester.CheckCertsAsync(checkedHttp, controller, roots, ct).ConfigureAwait(false) is { } certsError)
                    return (Fail(port, up, addrs, routers, dns, domain, proxy.Description, $"{string.Join("; ", notes)}; {certsError}"), proxy);
                notes.Add("/certs verified");
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return (Fail(port, up, addrs, routers, dns, domain, proxy.Description,
                $"{string.Join("; ", notes)}; controller {controller.Authority} unreachable{via}: {PortHttp.Describe(e)}"), proxy);
        }
        return (new PortState(port.IfName, up, addrs, routers, dns, domain, proxy.Description, true, string.Join("; ", notes), time.GetUtcNow()), proxy);
    }

    private async Task<string?> ResolveErrorAsync(string ifName, IReadOnlyList<string> dns, string host, CancellationToken ct)
    {
        try
        {
            await PortDnsResolver.ResolveAsync(netns, ifName, dns, host, timeout, ct).ConfigureAwait(false);
            return null;
        }
        catch (IOException e)
        {
            return e.Message;
        }
    }

    /// <summary>IPv4 and global/ULA IPv6 addresses (SLAAC included) as CIDRs; link-local ones are left out.</summary>
    public async Task<IReadOnlyList<string>> AddressesAsync(string ifName, CancellationToken ct)
    {
        var r = await runner.RunAsync("ip", NetnsCommand.Ip(netns, ["-o", "addr", "show", "dev", ifName]), check: false, ct: ct).ConfigureAwait(false);
        var result = new List<string>();
        foreach (var line in r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var i = Array.FindIndex(f, w => w is "inet" or "inet6");
            if (i < 0 || i + 1 >= f.Length || line.Contains("scope link", StringComparison.Ordinal) || line.Contains("tentative", StringComparison.Ordinal)) continue;
            result.Add(f[i + 1]);
        }
        return result;
    }

    private async Task<IReadOnlyList<string>> RoutersAsync(string ifName, CancellationToken ct)
    {
        var result = new List<string>();
        foreach (var family in new[] { "-4", "-6" })
        {
            var r = await runner.RunAsync("ip", NetnsCommand.Ip(netns, [family, "route", "show", "default", "dev", ifName]), check: false, ct: ct).ConfigureAwait(false);
            foreach (var line in r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var i = Array.IndexOf(f, "via");
                if (i >= 0 && i + 1 < f.Length && !line.Contains("linkdown", StringComparison.Ordinal)) result.Add(f[i + 1]);
            }
        }
        return result;
    }

    private PortState Fail(DpcPort port, bool up, IReadOnlyList<string> addrs, IReadOnlyList<string> routers, IReadOnlyList<string> dns,
        string? domain, string? proxy, string verdict) =>
        new(port.IfName, up, addrs, routers, dns, domain, proxy, false, verdict, time.GetUtcNow());
}
