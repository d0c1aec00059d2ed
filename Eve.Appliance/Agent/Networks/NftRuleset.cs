using System.Security.Cryptography;
using System.Text;

namespace Eve.Appliance.Agent.Networks;

/// <summary>Builds the nft table of one local network instance. Each instance owns one inet table, so
/// deleting the instance deletes exactly its rules. Base chains accept by default and only jump for
/// traffic of their own bridge, because a drop in any table's base chain would drop it for everyone.
/// Bridged app-to-app traffic also crosses the forward hook (bridge-nf-call-iptables is on), so it is
/// accepted first. Chain names avoid nft keywords (no <c>fwd</c>), one block per line (nft 1.0.6).</summary>
internal static class NftRuleset
{
    public const string Family = "inet";

    public sealed record Result(string Text, string Hash, IReadOnlyList<(string Set, string Domain)> HostSets, IReadOnlyList<string> Problems);

    /// <summary>EVE's metadata server address; DNAT sends it to the instance's own server on the gateway.</summary>
    public const string MetadataIp = "169.254.169.254";
    public const int MetadataPort = 80;

    public static Result Build(string table, string bridge, string subnet, string? uplink, IReadOnlyList<AppAddress> apps, string? gateway = null)
    {
        var body = new StringBuilder();
        var problems = new List<string>();
        var hostSets = new List<(string, string)>();
        var translated = new List<(AppAddress App, AceTranslator Rules)>();
        foreach (var app in apps.Where(a => a.Ip != null))
        {
            var t = new AceTranslator(app, uplink);
            t.TranslateAll();
            problems.AddRange(t.Problems);
            hostSets.AddRange(t.HostSets);
            translated.Add((app, t));
        }

        foreach (var (set, _) in hostSets)
            Block(body, $"set {set}", ["type ipv4_addr;", "flags timeout;"]);

        Block(body, "chain prerouting", [
            "type nat hook prerouting priority dstnat; policy accept;",
            .. gateway != null ? [$"iifname \"{bridge}\" ip daddr {MetadataIp} tcp dport {MetadataPort} dnat ip to {gateway}:{MetadataPort}"] : Array.Empty<string>(),
            .. translated.SelectMany(t => t.Rules.Dnat)]);
        Block(body, "chain postrouting", [
            "type nat hook postrouting priority srcnat; policy accept;",
            .. uplink != null ? [$"ip saddr {subnet} oifname \"{uplink}\" masquerade"] : Array.Empty<string>()]);
        Block(body, "chain input", [
            "type filter hook input priority filter; policy accept;",
            $"iifname \"{bridge}\" jump apps_to_device"]);
        Block(body, "chain forward", [
            "type filter hook forward priority filter; policy accept;",
            $"iifname \"{bridge}\" oifname \"{bridge}\" accept",
            $"iifname \"{bridge}\" jump apps_out",
            $"oifname \"{bridge}\" jump apps_in"]);
        // Implicit allows: DHCP and DNS to the instance's dnsmasq, the metadata server and ping of the
        // gateway, whatever the ACLs say (as EVE: these local services cannot be blocked).
        Block(body, "chain apps_to_device", [
            "ct state established,related accept",
            "udp dport 67 accept",
            "meta l4proto { tcp, udp } th dport 53 accept",
            .. gateway != null ? [$"ip daddr {gateway} tcp dport {MetadataPort} accept"] : Array.Empty<string>(),
            "icmp type echo-request accept",
            .. translated.Select(t => $"ip saddr {t.App.Ip} jump {OutChain(t.App)}"),
            "drop"]);
        // A local-only instance has no way out, whatever an ACE allows.
        Block(body, "chain apps_out", [
            .. uplink != null ? translated.Select(t => $"ip saddr {t.App.Ip} jump {OutChain(t.App)}") : [],
            "ct state established,related accept",
            "drop"]);
        Block(body, "chain apps_in", [
            .. translated.Select(t => $"ip daddr {t.App.Ip} jump {InChain(t.App)}"),
            "ct state established,related accept",
            "drop"]);
        foreach (var (app, rules) in translated)
        {
            Block(body, $"chain {OutChain(app)}", [.. rules.OutLimits, "ct state established,related accept", .. rules.Out, "drop"]);
            Block(body, $"chain {InChain(app)}", [.. rules.InLimits, "ct state established,related accept", .. rules.In, "drop"]);
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body.ToString())))[..16];
        var text = new StringBuilder();
        text.Append("table ").Append(Family).Append(' ').Append(table).Append(" {\n");
        text.Append("  comment \"eve:").Append(hash).Append("\"\n");
        text.Append(body);
        text.Append("}\n");
        return new Result(text.ToString(), hash, hostSets, problems);
    }

    public static string OutChain(AppAddress app) => $"app_{app.Vif}_out";

    public static string InChain(AppAddress app) => $"app_{app.Vif}_in";

    private static void Block(StringBuilder sb, string header, IEnumerable<string> lines)
    {
        sb.Append("  ").Append(header).Append(" {\n");
        foreach (var line in lines) sb.Append("    ").Append(line).Append('\n');
        sb.Append("  }\n");
    }
}
