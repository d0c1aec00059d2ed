using System.Text.Json;
using Eve.Appliance.Platform.Processes;

namespace Eve.Appliance.Platform.Net;

/// <summary><see cref="IIpLinkClient"/> over iproute2 (<c>ip -n NS …</c>, read back with <c>ip -j</c>).</summary>
internal sealed class IpLinkClient(IProcessRunner runner) : IIpLinkClient
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public async Task<IReadOnlyList<LinkInfo>> ListLinksAsync(string? netns, CancellationToken ct)
    {
        var result = await Ip(netns, ct, "-j", "-d", "addr", "show").ConfigureAwait(false);
        return ParseLinks(result.Stdout);
    }

    public async Task<LinkInfo?> GetLinkAsync(string name, string? netns, CancellationToken ct)
    {
        var result = await runner.RunAsync("ip", NetnsCommand.Ip(netns, ["-j", "-d", "addr", "show", "dev", name]),
            Timeout, check: false, ct: ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            if (IsNoSuchDevice(result.Stderr)) return null;
            throw new ProcessFailedException($"ip addr show dev {name}", result.ExitCode, result.Stderr);
        }
        return ParseLinks(result.Stdout).FirstOrDefault();
    }

    public Task AddBridgeAsync(string name, string? netns, CancellationToken ct) =>
        Ip(netns, ct, "link", "add", name, "type", "bridge");

    public Task AddVethAsync(string name, string peerName, string? netns, string? peerNetns, CancellationToken ct) =>
        peerNetns == null
            ? Ip(netns, ct, "link", "add", name, "type", "veth", "peer", "name", peerName)
            : Ip(netns, ct, "link", "add", name, "type", "veth", "peer", "name", peerName, "netns", peerNetns);

    public Task AddTapAsync(string name, string? netns, CancellationToken ct) =>
        Ip(netns, ct, "tuntap", "add", "dev", name, "mode", "tap");

    public async Task<bool> DeleteLinkAsync(string name, string? netns, CancellationToken ct)
    {
        var result = await runner.RunAsync("ip", NetnsCommand.Ip(netns, ["link", "del", name]), Timeout, check: false, ct: ct)
            .ConfigureAwait(false);
        if (result.ExitCode == 0) return true;
        if (IsNoSuchDevice(result.Stderr)) return false;
        throw new ProcessFailedException($"ip link del {name}", result.ExitCode, result.Stderr);
    }

    public Task SetUpAsync(string name, bool up, string? netns, CancellationToken ct) =>
        Ip(netns, ct, "link", "set", name, up ? "up" : "down");

    public Task SetMasterAsync(string name, string? master, string? netns, CancellationToken ct) =>
        master == null ? Ip(netns, ct, "link", "set", name, "nomaster") : Ip(netns, ct, "link", "set", name, "master", master);

    public Task SetMacAsync(string name, string mac, string? netns, CancellationToken ct) =>
        Ip(netns, ct, "link", "set", name, "address", mac);

    public Task SetMtuAsync(string name, int mtu, string? netns, CancellationToken ct) =>
        Ip(netns, ct, "link", "set", name, "mtu", mtu.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public Task AddAddressAsync(string name, string cidr, string? netns, CancellationToken ct) =>
        Ip(netns, ct, "addr", "replace", cidr, "dev", name);

    public Task DeleteAddressAsync(string name, string cidr, string? netns, CancellationToken ct) =>
        Ip(netns, ct, "addr", "del", cidr, "dev", name);

    public async Task<IReadOnlyList<RouteInfo>> ListRoutesAsync(string? netns, CancellationToken ct)
    {
        var result = await Ip(netns, ct, "-j", "route", "show").ConfigureAwait(false);
        using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(result.Stdout) ? "[]" : result.Stdout);
        return [.. doc.RootElement.EnumerateArray().Select(r => new RouteInfo(
            r.GetProperty("dst").GetString()!,
            r.TryGetProperty("gateway", out var gw) ? gw.GetString() : null,
            r.TryGetProperty("dev", out var dev) ? dev.GetString() : null))];
    }

    public Task ReplaceRouteAsync(string destination, string? gateway, string? device, string? netns, CancellationToken ct)
    {
        List<string> args = ["route", "replace", destination];
        if (gateway != null) args.AddRange(["via", gateway]);
        if (device != null) args.AddRange(["dev", device]);
        return Ip(netns, ct, [.. args]);
    }

    public async Task<bool> DeleteRouteAsync(string destination, string? netns, CancellationToken ct)
    {
        var result = await runner.RunAsync("ip", NetnsCommand.Ip(netns, ["route", "del", destination]), Timeout, check: false, ct: ct)
            .ConfigureAwait(false);
        if (result.ExitCode == 0) return true;
        if (result.Stderr.Contains("No such process", StringComparison.Ordinal)) return false;
        throw new ProcessFailedException($"ip route del {destination}", result.ExitCode, result.Stderr);
    }

    internal static IReadOnlyList<LinkInfo> ParseLinks(string json)
    {
        using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "[]" : json);
        var links = new List<LinkInfo>();
        foreach (var l in doc.RootElement.EnumerateArray())
        {
            if (!l.TryGetProperty("ifname", out var name)) continue;
            var kind = l.TryGetProperty("linkinfo", out var info) && info.TryGetProperty("info_kind", out var k) ? k.GetString() ?? "" : "";
            var up = l.TryGetProperty("flags", out var flags) && flags.EnumerateArray().Any(f => f.GetString() == "UP");
            var addrs = new List<string>();
            if (l.TryGetProperty("addr_info", out var ai))
                foreach (var a in ai.EnumerateArray())
                    if (a.TryGetProperty("local", out var local) && a.TryGetProperty("prefixlen", out var len))
                        addrs.Add($"{local.GetString()}/{len.GetInt32()}");
            links.Add(new LinkInfo(
                name.GetString()!,
                l.GetProperty("ifindex").GetInt32(),
                kind,
                l.TryGetProperty("master", out var master) ? master.GetString() : null,
                up,
                l.TryGetProperty("address", out var mac) ? mac.GetString() ?? "" : "",
                l.TryGetProperty("mtu", out var mtu) ? mtu.GetInt32() : 0,
                addrs));
        }
        return links;
    }

    private static bool IsNoSuchDevice(string stderr) =>
        stderr.Contains("does not exist", StringComparison.Ordinal) ||
        stderr.Contains("Cannot find device", StringComparison.Ordinal);

    private Task<ProcessResult> Ip(string? netns, CancellationToken ct, params string[] args) =>
        runner.RunAsync("ip", NetnsCommand.Ip(netns, args), Timeout, ct: ct);
}
