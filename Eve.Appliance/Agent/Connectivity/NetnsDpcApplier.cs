using System.Globalization;
using Eve.Appliance.Platform.Net;
using Eve.Appliance.Platform.Processes;

namespace Eve.Appliance.Agent.Connectivity;

/// <summary>Applies DPCs to ports inside one network namespace — never the host's own interfaces.
/// Static ports get their address and (management ports) a default route through
/// <see cref="IIpLinkClient"/>; DHCP ports get a dhcpcd each (DHCPv4 + DHCPv6, see <see cref="DhcpcdClient"/>),
/// whose pid file lives under <c>RUN/dhcpcd-IF/</c> and which is stopped by that pid.</summary>
internal sealed class NetnsDpcApplier(IIpLinkClient ip, IProcessRunner runner, string netns, string runDir) : IDpcApplier
{
    private readonly HashSet<string> _touched = new(StringComparer.Ordinal);
    private readonly DhcpcdClient _dhcp = new(runner, netns, runDir);

    public async Task ApplyAsync(DevicePortConfig dpc, CancellationToken ct)
    {
        Directory.CreateDirectory(runDir);
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
                await _dhcp.StartAsync(port.IfName, RouteMetric(port, index), ct);
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

    public Task StopAsync(CancellationToken ct) => _dhcp.StopAllAsync(ct);

    public async Task<IReadOnlyList<string>> ListPortNamesAsync(CancellationToken ct) =>
        [.. (await ip.ListLinksAsync(netns, ct)).Select(l => l.Name)];

    private async Task ResetPortAsync(string ifName, CancellationToken ct)
    {
        await _dhcp.StopAsync(ifName, ct);
        await runner.RunAsync("ip", NetnsCommand.Ip(netns, ["-4", "addr", "flush", "dev", ifName]), check: false, ct: ct);
    }

    /// <summary>Each management port keeps its own default route, the cheapest with the lowest metric:
    /// unbound traffic takes the cheapest port, and a socket bound to a port (SO_BINDTODEVICE) finds that
    /// port's own route — which is what makes per-port failover possible.</summary>
    /// Equal metrics would make one port's route replace the other's, hence the index.
    private static int RouteMetric(DpcPort port, int index) => 100 + (int)Math.Min(port.Cost, 255) * 100 + Math.Min(index, 99);

    /// <summary>SLAAC where a router offers it: accept RAs (also when forwarding) and autoconfigure.
    /// dhcpcd is told to leave RAs alone (<c>--noipv6rs</c>), so the kernel keeps doing this.</summary>
    private async Task AcceptRouterAdvertisementsAsync(string ifName, CancellationToken ct)
    {
        foreach (var setting in new[] { "accept_ra=2", "autoconf=1", "disable_ipv6=0" })
        {
            var (file, args) = NetnsCommand.Exec(netns, "sysctl", ["-qw", $"net.ipv6.conf.{ifName}.{setting}"]);
            await runner.RunAsync(file, args, check: false, ct: ct);
        }
    }
}
