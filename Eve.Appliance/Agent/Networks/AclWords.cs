using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Agent.Networks;

/// <summary>An app interface's ACL in words, for info and <c>ctl</c>, e.g.
/// "allow tcp to 10.1.0.0/16 port 443; drop rest". Order is the evaluation order (first match wins) and
/// the implicit rules are spelled out. Direction follows EVE's matching: <c>ip</c>/<c>host</c> are the
/// remote end, <c>fport</c> the remote port, <c>lport</c> the app's port (for a port map: the device port
/// forwarded to the app); an ACE without direction applies both ways.</summary>
internal static class AclWords
{
    public static string Describe(IReadOnlyList<ACE> acl)
    {
        var parts = acl.Select(Describe).ToList();
        parts.Add(acl.Count == 0 ? "drop all (no ACEs: only DHCP, DNS and metadata are allowed)" : "drop rest");
        return string.Join("; ", parts);
    }

    public static string Describe(ACE ace)
    {
        string? ip = null, host = null, proto = null, lport = null, fport = null;
        var unknown = new List<string>();
        foreach (var m in ace.Matches)
        {
            var v = m.Value.Trim();
            switch (m.Type.Trim().ToLowerInvariant())
            {
                case "ip": ip = v; break;
                case "host": host = v; break;
                case "protocol": proto = v.ToLowerInvariant() is "" or "all" ? null : v.ToLowerInvariant(); break;
                case "lport": lport = v; break;
                case "fport": fport = v; break;
                default: unknown.Add($"{m.Type}={v}"); break;
            }
        }
        var action = ace.Actions.FirstOrDefault() ?? new ACEAction();
        var words = new List<string>();
        if (action.Portmap)
        {
            words.Add($"forward device {proto ?? "tcp"} port {lport ?? "?"} to app port {action.AppPort}");
            if (ip != null) words.Add($"from {ip}");
            if (host != null) words.Add($"from {host} and its subdomains");
        }
        else
        {
            words.Add(action.Drop ? "drop" : action.Limit ? "limit" : "allow");
            words.Add(proto ?? (lport != null || fport != null ? "tcp/udp" : "all"));
            var remote = ip ?? (host != null ? $"{host} and its subdomains" : null);
            var way = ace.Dir switch { ACEDirection.Egress => "to", ACEDirection.Ingress => "from", _ => "to/from" };
            if (remote != null) words.Add($"{way} {remote}");
            else if (ace.Dir != ACEDirection.Both) words.Add(ace.Dir == ACEDirection.Egress ? "outbound" : "inbound");
            if (fport != null) words.Add($"port {fport}");
            if (lport != null) words.Add($"app port {lport}");
            if (action.Limit)
                words.Add($"at {action.Limitrate}/{(action.Limitunit.Length > 0 ? action.Limitunit : "s")}" +
                          (action.Limitburst > 0 ? $" burst {action.Limitburst}" : "") + ", drop the excess");
        }
        if (unknown.Count > 0) words.Add($"(not applied: match {string.Join(", ", unknown)} is not supported)");
        var name = ace.Name.Length > 0 ? $" [{ace.Name}]" : "";
        return string.Join(' ', words) + name;
    }
}
