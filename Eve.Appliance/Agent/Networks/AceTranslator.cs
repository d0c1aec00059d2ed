using System.Globalization;
using System.Net;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Agent.Networks;

/// <summary>Turns one app NIC's ACEs into nft rules: rules for traffic from the app ("out": the remote is
/// the destination, <c>fport</c> the remote port, <c>lport</c> the app's port) and to the app ("in"), DNAT
/// rules for port maps, and host-name sets dnsmasq fills. First match wins because each rule ends in a
/// verdict; an ACE that cannot be translated is skipped (so its traffic meets the implicit drop) and
/// reported as a problem.</summary>
internal sealed class AceTranslator(AppAddress app, string? uplink)
{
    public List<string> Out { get; } = [];
    public List<string> In { get; } = [];

    /// <summary>Rate limits go before the "established" shortcut, so they hold for every packet of a flow,
    /// not only its first.</summary>
    public List<string> OutLimits { get; } = [];
    public List<string> InLimits { get; } = [];
    public List<string> Dnat { get; } = [];
    public List<(string Set, string Domain)> HostSets { get; } = [];
    public List<string> Problems { get; } = [];

    public void TranslateAll()
    {
        for (var i = 0; i < app.Acls.Count; i++)
        {
            var error = Translate(app.Acls[i], i);
            if (error != null)
                Problems.Add($"app {app.AppName} interface {app.Index} ACE #{i + 1}{(app.Acls[i].Name is { Length: > 0 } n ? $" '{n}'" : "")}: {error}; the ACE is ignored");
        }
    }

    private string? Translate(ACE ace, int index)
    {
        string? remoteOut = null, remoteIn = null, proto = null, lport = null, fport = null;
        foreach (var m in ace.Matches)
        {
            var value = m.Value.Trim();
            switch (m.Type.Trim().ToLowerInvariant())
            {
                case "ip":
                    if (!IPNetwork.TryParse(value.Contains('/') ? value : value + "/32", out var net) ||
                        net.BaseAddress.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
                        return $"ip '{value}' is not an IPv4 address or prefix";
                    remoteOut = $"ip daddr {net}";
                    remoteIn = $"ip saddr {net}";
                    break;
                case "host":
                    if (value.Length == 0 || value.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '-')))
                        return $"host '{value}' is not a DNS name";
                    var set = $"host_{app.Vif}_{index}";
                    HostSets.Add((set, value.TrimStart('.')));
                    remoteOut = $"ip daddr @{set}";
                    remoteIn = $"ip saddr @{set}";
                    break;
                case "protocol":
                    proto = value.ToLowerInvariant() switch
                    {
                        "tcp" or "udp" or "icmp" => value.ToLowerInvariant(),
                        "all" or "" => null,
                        var n when byte.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out _) => n,
                        _ => "?",
                    };
                    if (proto == "?") return $"protocol '{value}' is not tcp, udp, icmp, all or a number";
                    break;
                case "lport":
                case "fport":
                    if (!ushort.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port == 0)
                        return $"{m.Type} '{value}' is not a port number";
                    if (m.Type.Trim().Equals("lport", StringComparison.OrdinalIgnoreCase)) lport = value; else fport = value;
                    break;
                default:
                    return $"match type '{m.Type}' is not supported here (ip, host, protocol, lport, fport are)";
            }
        }
        var hasPorts = lport != null || fport != null;
        if (hasPorts && proto != null && proto != "tcp" && proto != "udp")
            return $"ports need protocol tcp or udp, not {proto}";
        var l4 = proto switch
        {
            null when hasPorts => "meta l4proto { tcp, udp }",
            null => null,
            _ => $"meta l4proto {proto}",
        };

        var action = ace.Actions.FirstOrDefault() ?? new ACEAction();
        // Accepted connections carry the ACE's id as their ct mark, which flow logs report as aclId.
        var accept = $"ct mark set {AceId(ace, index)} accept";
        if (action.Portmap) return Portmap(action, remoteIn, proto, lport, accept);

        var matchOut = Join(remoteOut, l4, lport != null ? $"th sport {lport}" : null, fport != null ? $"th dport {fport}" : null);
        var matchIn = Join(remoteIn, l4, fport != null ? $"th sport {fport}" : null, lport != null ? $"th dport {lport}" : null);
        var verdicts = new List<string>();
        var outbound = ace.Dir != ACEDirection.Ingress;
        var inbound = ace.Dir != ACEDirection.Egress;
        if (action.Drop) verdicts.Add("drop");
        else if (action.Limit)
        {
            if (action.Limitrate == 0) return "limit needs a rate above 0";
            var unit = LimitUnit(action.Limitunit);
            if (unit == null) return $"limit unit '{action.Limitunit}' is not s, m, h or d";
            var burst = action.Limitburst > 0 ? $" burst {action.Limitburst} packets" : "";
            var over = $"limit rate over {action.Limitrate}/{unit}{burst} drop";
            if (outbound) OutLimits.Add(Join(matchOut, over)!);
            if (inbound) InLimits.Add(Join(matchIn, over)!);
            verdicts.Add(accept);
        }
        else verdicts.Add(accept);

        foreach (var v in verdicts)
        {
            if (outbound) Out.Add(Join(matchOut, v)!);
            if (inbound) In.Add(Join(matchIn, v)!);
        }
        return null;
    }

    /// <summary>EVE's ACE id (unique, non-zero; 0 is the implicit drop); the position when the config has none.</summary>
    public static int AceId(ACE ace, int index) => ace.Id > 0 ? ace.Id : index + 1;

    private string? Portmap(ACEAction action, string? remoteIn, string? proto, string? lport, string accept)
    {
        if (uplink == null) return "portmap needs a network instance with an uplink";
        if (app.Ip == null) return "portmap needs an app address on a local network instance";
        if (lport == null) return "portmap needs an lport match (the device port to forward)";
        if (action.AppPort == 0 || action.AppPort > ushort.MaxValue) return "portmap needs appPort between 1 and 65535";
        var l4 = proto ?? "tcp";
        if (l4 != "tcp" && l4 != "udp") return $"portmap forwards tcp or udp, not {l4}";
        Dnat.Add(Join($"iifname \"{uplink}\"", remoteIn, $"meta l4proto {l4} th dport {lport}",
            $"dnat ip to {app.Ip}:{action.AppPort}")!);
        In.Add(Join("ct status dnat", remoteIn, $"meta l4proto {l4} th dport {action.AppPort}", accept)!);
        return null;
    }

    private static string? LimitUnit(string unit) => unit.Trim().ToLowerInvariant() switch
    {
        "" or "s" or "sec" or "second" => "second",
        "m" or "min" or "minute" => "minute",
        "h" or "hour" => "hour",
        "d" or "day" => "day",
        _ => null,
    };

    private static string? Join(params string?[] parts)
    {
        var present = parts.Where(p => !string.IsNullOrEmpty(p)).ToList();
        return present.Count == 0 ? null : string.Join(' ', present);
    }
}
