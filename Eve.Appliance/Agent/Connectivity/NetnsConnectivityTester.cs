using System.Globalization;
using Eve.Appliance.Platform.Net;
using Eve.Appliance.Platform.Processes;

namespace Eve.Appliance.Agent.Connectivity;

/// <summary>Tests a DPC from inside its network namespace: a management port has an IPv4 address, the
/// namespace has a default route, and the controller answers <c>GET /api/v2/edgedevice/ping</c> through
/// that port (curl bound to it with <c>--interface</c>, run by <c>ip netns exec</c>). Any HTTP answer
/// counts as "reached" — certificates are the controller session's business, not the port's.</summary>
internal sealed class NetnsConnectivityTester(IProcessRunner runner, string netns, Uri controller, TimeProvider time) : IConnectivityTester
{
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public async Task<ConnectivityResult> TestAsync(DevicePortConfig dpc, CancellationToken ct)
    {
        var ports = dpc.Ports.Where(p => p.IsMgmt).OrderBy(p => p.Cost).ToList();
        if (ports.Count == 0) return new ConnectivityResult(false, $"DPC {dpc} has no management port");
        var reasons = "not tested";
        while (true)
        {
            var failures = new List<string>();
            try
            {
                foreach (var port in ports)
                {
                    var error = await TestPortAsync(port.IfName, ct).ConfigureAwait(false);
                    if (error == null) return new ConnectivityResult(true, $"{port.IfName}: controller {controller} answers");
                    failures.Add($"{port.IfName}: {error}");
                }
                reasons = string.Join("; ", failures);
                await Task.Delay(RetryDelay, time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return new ConnectivityResult(false, failures.Count > 0 ? string.Join("; ", failures) : reasons);
            }
        }
    }

    private async Task<string?> TestPortAsync(string ifName, CancellationToken ct)
    {
        try
        {
            var addr = await runner.RunAsync("ip", NetnsCommand.Ip(netns, ["-4", "-o", "addr", "show", "dev", ifName]), check: false, ct: ct);
            if (addr.ExitCode != 0) return $"port missing ({addr.Stderr.Trim()})";
            if (!addr.Stdout.Contains(" inet ", StringComparison.Ordinal)) return "no IPv4 address (no DHCP lease / static address)";
            var route = await runner.RunAsync("ip", NetnsCommand.Ip(netns, ["-4", "route", "show", "default"]), check: false, ct: ct);
            if (string.IsNullOrWhiteSpace(route.Stdout)) return "no default route";
            var url = new Uri(controller, "/api/v2/edgedevice/ping").ToString();
            var (file, args) = NetnsCommand.Exec(netns, "curl",
                ["-s", "-k", "-o", "/dev/null", "-w", "%{http_code}", "-m", "2", "--interface", ifName, url]);
            var r = await runner.RunAsync(file, args, TimeSpan.FromSeconds(5), check: false, ct: ct);
            var code = int.TryParse(r.Stdout.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : 0;
            if (code > 0) return null;
            return $"controller {url} unreachable (curl exit {r.ExitCode}{CurlReason(r.ExitCode)}; route: {route.Stdout.Trim()})";
        }
        catch (ProcessFailedException ex)
        {
            return ex.Message;
        }
    }

    private static string CurlReason(int exit) => exit switch
    {
        6 => ": DNS name not resolved",
        7 => ": connection refused or no route",
        28 => ": timed out",
        35 or 60 => ": TLS failed",
        _ => "",
    };
}
