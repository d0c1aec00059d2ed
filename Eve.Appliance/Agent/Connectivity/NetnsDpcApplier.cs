using System.Globalization;
using Eve.Appliance.Platform.Net;
using Eve.Appliance.Platform.Processes;

namespace Eve.Appliance.Agent.Connectivity;

/// <summary>Applies DPCs to ports inside one network namespace — never the host's own interfaces.
/// Static ports get their address and (management ports) a default route through
/// <see cref="IIpLinkClient"/>; DHCP ports get a daemonized <c>busybox udhcpc</c> whose pid file lives in
/// <c>RUN/udhcpc-IF.pid</c> and which is stopped by that pid.</summary>
internal sealed class NetnsDpcApplier(IIpLinkClient ip, IProcessRunner runner, string netns, string runDir) : IDpcApplier
{
    private readonly HashSet<string> _touched = new(StringComparer.Ordinal);

    public async Task ApplyAsync(DevicePortConfig dpc, CancellationToken ct)
    {
        Directory.CreateDirectory(runDir);
        var script = WriteScript();
        foreach (var name in _touched.Union(dpc.Ports.Select(p => p.IfName)).ToList())
            await ResetPortAsync(name, ct);
        for (var i = 0; i < 64 && await ip.DeleteRouteAsync("default", netns, ct); i++)
        {
            // Every port had its own default route: remove them all.
        }
        var ordered = dpc.Ports.OrderBy(p => p.Cost).ToList();
        for (var index = 0; index < ordered.Count; index++)
        {
            var port = ordered[index];
            if (await ip.GetLinkAsync(port.IfName, netns, ct) == null)
                throw new InvalidOperationException($"DPC {dpc}: port {port.IfName} does not exist in namespace {netns}");
            _touched.Add(port.IfName);
            await AcceptRouterAdvertisementsAsync(port.IfName, ct);
            await ip.SetUpAsync(port.IfName, true, netns, ct);
            if (port.Dhcp)
            {
                await StartDhcpAsync(port.IfName, RouteMetric(port, index), script, ct);
            }
            else if (port.AddrSubnet != null)
            {
                if (!DpcSources.IsCidr(port.AddrSubnet))
                    throw new FormatException($"DPC {dpc}: port {port.IfName} static address '{port.AddrSubnet}' is not an IPv4 CIDR like 10.1.2.5/24");
                await ip.AddAddressAsync(port.IfName, port.AddrSubnet, netns, ct);
                if (port.IsMgmt && port.Gateway != null)
                    await runner.RunAsync("ip", NetnsCommand.Ip(netns, ["-4", "route", "replace", "default", "via", port.Gateway,
                        "dev", port.IfName, "metric", RouteMetric(port, index).ToString(CultureInfo.InvariantCulture)]), ct: ct);
            }
        }
    }

    public async Task StopAsync(CancellationToken ct)
    {
        if (!Directory.Exists(runDir)) return;
        foreach (var pidFile in Directory.GetFiles(runDir, "udhcpc-*.pid"))
            await StopDhcpAsync(pidFile, ct);
    }

    public async Task<IReadOnlyList<string>> ListPortNamesAsync(CancellationToken ct) =>
        [.. (await ip.ListLinksAsync(netns, ct)).Select(l => l.Name)];

    private async Task ResetPortAsync(string ifName, CancellationToken ct)
    {
        await StopDhcpAsync(PidFile(ifName), ct);
        await runner.RunAsync("ip", NetnsCommand.Ip(netns, ["-4", "addr", "flush", "dev", ifName]), check: false, ct: ct);
        foreach (var what in new[] { "dns", "domain", "wpad" })
            File.Delete(Path.Combine(runDir, $"{what}-{ifName}"));
    }

    /// <summary>Each management port keeps its own default route, the cheapest with the lowest metric:
    /// unbound traffic takes the cheapest port, and a socket bound to a port (SO_BINDTODEVICE) finds that
    /// port's own route — which is what makes per-port failover possible.</summary>
    /// Equal metrics would make one port's route replace the other's, hence the index.
    private static int RouteMetric(DpcPort port, int index) => 100 + (int)Math.Min(port.Cost, 255) * 100 + Math.Min(index, 99);

    /// <summary>SLAAC where a router offers it: accept RAs (also when forwarding) and autoconfigure.</summary>
    private async Task AcceptRouterAdvertisementsAsync(string ifName, CancellationToken ct)
    {
        foreach (var setting in new[] { "accept_ra=2", "autoconf=1", "disable_ipv6=0" })
        {
            var (file, args) = NetnsCommand.Exec(netns, "sysctl", ["-qw", $"net.ipv6.conf.{ifName}.{setting}"]);
            await runner.RunAsync(file, args, check: false, ct: ct);
        }
    }

    private async Task StartDhcpAsync(string ifName, int metric, string script, CancellationToken ct)
    {
        // -b: go to the background after the first round even without a lease, so applying never blocks
        // for long; the connectivity test then waits for the lease within timer.port.testduration.
        // -O 252: ask for the WPAD URL, which the script records for proxy discovery.
        var (file, args) = NetnsCommand.Exec(netns, "env",
            [$"METRIC={metric}", "busybox", "udhcpc", "-b", "-i", ifName, "-s", script, "-p", PidFile(ifName), "-t", "2", "-T", "1", "-A", "1", "-O", "252"]);
        await runner.RunAsync(file, args, TimeSpan.FromSeconds(20), ct: ct);
    }

    private static async Task StopDhcpAsync(string pidFile, CancellationToken ct)
    {
        if (!File.Exists(pidFile)) return;
        if (int.TryParse((await File.ReadAllTextAsync(pidFile, ct)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            && IsOurUdhcpc(pid, pidFile))
        {
            try
            {
                using var p = System.Diagnostics.Process.GetProcessById(pid);
                p.Kill();
                await WaitGoneAsync(pid, ct);
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
            catch (InvalidOperationException)
            {
            }
        }
        File.Delete(pidFile);
    }

    /// <summary>The daemon is not our child, and where PID 1 does not reap, it stays a zombie forever —
    /// which waiting on the process would never see end. Gone or zombie means stopped.</summary>
    private static async Task WaitGoneAsync(int pid, CancellationToken ct)
    {
        for (var i = 0; i < 100; i++)
        {
            string status;
            try
            {
                status = await File.ReadAllTextAsync($"/proc/{pid}/status", ct);
            }
            catch (IOException)
            {
                return;
            }
            if (status.Contains("State:\tZ", StringComparison.Ordinal)) return;
            await Task.Delay(20, ct);
        }
    }

    /// <summary>A recycled pid must not be killed: the process must be udhcpc writing this pid file.</summary>
    private static bool IsOurUdhcpc(int pid, string pidFile)
    {
        try
        {
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
            return cmdline.Contains("udhcpc", StringComparison.Ordinal) && cmdline.Contains(pidFile, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private string PidFile(string ifName) => Path.Combine(runDir, $"udhcpc-{ifName}.pid");

    private string WriteScript()
    {
        var path = Path.Combine(runDir, "udhcpc.script");
        // bound/renew: take the lease's address, default route via its router, and record its DNS servers.
        File.WriteAllText(path, """
            #!/bin/sh
            case "$1" in
              deconfig)
                ip -4 addr flush dev "$interface"
                ;;
              bound|renew)
                ip -4 addr flush dev "$interface"
                ip addr add "$ip/${mask:-24}" dev "$interface"
                if [ -n "$router" ]; then ip route replace default via "${router%% *}" dev "$interface" metric "${METRIC:-100}"; fi
                dir="$(dirname "$0")"
                echo "$dns" > "$dir/dns-$interface"
                echo "$domain" > "$dir/domain-$interface"
                echo "$opt252" > "$dir/wpad-$interface"
                ;;
            esac
            exit 0

            """);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
