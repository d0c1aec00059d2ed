using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Platform.Processes;

namespace Eve.Appliance.Agent.Connectivity;

/// <summary>EVE's <c>diag</c> for this appliance: which DPC is in use, from which source and why, every
/// port's addresses, router, DNS and proxy, and whether the controller answers through each port — in
/// words a technician can act on. Live probes run when the device namespace is given (as root); otherwise
/// the report shows what the running agent last recorded.</summary>
internal sealed class DiagReport(string persistDir, string? netns, Uri? controller, X509Certificate2Collection? roots,
    X509Certificate2Collection? tlsRoots, TimeSpan timeout, IProcessRunner runner, TimeProvider time)
{
    /// <summary>Writes the report; true when the controller is reachable through at least one port.</summary>
    public async Task<bool> WriteAsync(TextWriter o, CancellationToken ct)
    {
        var list = new DpcListStore(persistDir).Load();
        var status = ConnectivityStatus.Load(persistDir);
        o.WriteLine("== device connectivity ==");
        o.WriteLine($"controller: {(controller?.ToString() ?? "embedded (on loopback; ports are tested for address, route and DNS)")}");
        var current = list.CurrentIndex >= 0 && list.CurrentIndex < list.Dpcs.Count ? list.Dpcs[list.CurrentIndex] : null;
        o.WriteLine(current != null
            ? $"DPC in use: {current.Key} ({SourceOf(current.Key)}), index {list.CurrentIndex} of {list.Dpcs.Count}"
            : "DPC in use: none works (see the errors below)");
        if (status != null)
        {
            o.WriteLine($"why: {status.Why}");
            if (status.LastError != null) o.WriteLine($"last DPC error: {status.LastError}");
            if (status.ControllerPort != null) o.WriteLine($"controller traffic last went out through: {status.ControllerPort}");
        }
        o.WriteLine();
        o.WriteLine("DPC list (highest priority first):");
        for (var i = 0; i < list.Dpcs.Count; i++)
        {
            var d = list.Dpcs[i];
            var mark = i == list.CurrentIndex ? "*" : " ";
            var tested = d.WasWorking ? $"worked {d.LastSucceeded:u}" : d.LastFailed != null ? $"FAILED {d.LastFailed:u}" : "not tested yet";
            o.WriteLine($" {mark} [{i}] {d.Key,-10} {SourceOf(d.Key)}, priority {d.TimePriority:u}, {tested}");
            foreach (var p in d.Ports)
                o.WriteLine($"        {p.IfName} ({p.LogicalLabel}): {(p.IsMgmt ? "management" : "app-shared")}, cost {p.Cost}, {Addressing(p)}{ProxyWords(p.Proxy)}");
            if (d.LastError != null && !d.WasWorking) o.WriteLine($"        error: {d.LastError}");
        }
        if (list.Ingested.Count > 0)
            o.WriteLine($"ingested files: {string.Join(", ", list.Ingested.Select(kv => $"{kv.Key} sha256 {kv.Value[..12]}…"))}");
        o.WriteLine();

        var dpc = current ?? list.Dpcs.FirstOrDefault();
        IReadOnlyList<PortState> ports;
        if (netns != null && dpc != null)
        {
            o.WriteLine($"ports (probed now in namespace {netns}):");
            var probe = new PortConnectivityCheck(runner, netns, ConnectivitySubsystem.RunDir(persistDir), controller, roots, tlsRoots, timeout, time);
            var results = await Task.WhenAll(dpc.Ports.Where(p => p.IsMgmt).Select(p => probe.TestAsync(p, ct))).ConfigureAwait(false);
            ports = [.. results.Select(r => r.State)];
        }
        else
        {
            o.WriteLine(status != null
                ? $"ports (as the agent last saw them, {status.UpdatedAt:u}; give --mgmt-netns to probe now):"
                : "ports: nothing recorded yet (is the agent running with --mgmt-netns?)");
            ports = status?.Ports ?? [];
        }
        foreach (var p in ports)
        {
            o.WriteLine($"  {p.IfName}: {(p.Ok ? "OK" : "FAIL")} — {p.Verdict}");
            o.WriteLine($"      link {(p.Up ? "up" : "down")}; addresses {Join(p.Addresses)}; routers {Join(p.Routers)}; DNS {Join(p.DnsServers)}{(p.Domain != null ? $" (domain {p.Domain})" : "")}; proxy {p.Proxy ?? "direct"}");
        }
        var ok = ports.Where(p => p.Ok).Select(p => p.IfName).ToList();
        o.WriteLine();
        o.WriteLine(ok.Count > 0
            ? $"verdict: OK — the controller is reachable through {string.Join(", ", ok)}"
            : ports.Count == 0
                ? "verdict: UNKNOWN — no port state to judge"
                : "verdict: FAIL — the controller is not reachable through any management port; fix the first FAIL above");
        return ok.Count > 0;
    }

    private static string SourceOf(string key) => key switch
    {
        DevicePortConfig.ControllerKey => "from the controller",
        DevicePortConfig.OverrideKey => "from override.json",
        DevicePortConfig.UsbKey => "from usb.json",
        DevicePortConfig.LocalOperatorKey => "the controller's, with the local operator's port settings (local profile server)",
        DevicePortConfig.LastResortKey => "last resort: DHCP on every ethernet port",
        _ => $"from {key}",
    };

    private static string Addressing(DpcPort p) => p.Dhcp
        ? "DHCP"
        : p.AddrSubnet != null ? string.Create(CultureInfo.InvariantCulture, $"static {p.AddrSubnet} via {p.Gateway ?? "no gateway"}") : "no IP";

    private static string ProxyWords(DpcProxy? p) => p == null ? ""
        : p.Pac != null ? ", proxy: inline PAC"
        : p.NetworkProxyUrl != null ? $", proxy: PAC at {p.NetworkProxyUrl}"
        : p.Wpad ? ", proxy: WPAD"
        : $", proxy: {string.Join(", ", p.Servers.Select(s => $"{s.Protocol} {s.Display}"))}{(p.Exceptions != null ? $" except {p.Exceptions}" : "")}{(p.CertPems is { Count: > 0 } c ? $", {c.Count} proxy CA certificate(s)" : "")}";

    private static string Join(IReadOnlyList<string> items) => items.Count == 0 ? "none" : string.Join(", ", items);
}
