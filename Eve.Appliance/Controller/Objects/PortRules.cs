using Eve.Appliance.Controller.Objects.Model;

namespace Eve.Appliance.Controller.Objects;

/// <summary>The rules of a device port config.</summary>
internal static class PortRules
{
    public static void Check(PortConfigObject pc, ProblemList p)
    {
        if (pc.Ports.Count == 0) p.Add("ports", "a port config needs at least one port");
        var labels = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < pc.Ports.Count; i++)
        {
            var port = pc.Ports[i];
            var at = $"ports[{i}]";
            if (string.IsNullOrWhiteSpace(port.Label)) p.Add($"{at}.label", "required (the logical label, e.g. eth0)");
            else if (!labels.Add(port.Label)) p.Add($"{at}.label", $"'{port.Label}' is used by another port");
            if (string.IsNullOrWhiteSpace(port.IfName)) p.Add($"{at}.ifName", "required (the kernel interface name)");
            p.OneOf($"{at}.usage", port.Usage, "mgmt", "apps", "mgmt-and-apps");
            p.OneOf($"{at}.addressing", port.Addressing, "dhcp", "static");
            p.Range($"{at}.cost", port.Cost, 0, 255);
            for (var j = 0; j < port.Dns.Count; j++) p.Address($"{at}.dns[{j}]", port.Dns[j]);
            if (port.Addressing != "static") continue;
            if (string.IsNullOrWhiteSpace(port.Address) || !port.Address.Contains('/', StringComparison.Ordinal)
                || !System.Net.IPAddress.TryParse(port.Address.Split('/')[0], out var ip)
                || !int.TryParse(port.Address.Split('/')[1], out var prefix) || prefix is < 1 or > 32)
            {
                p.Add($"{at}.address", $"'{port.Address}' must be an address with its prefix, e.g. 192.168.1.10/24");
                continue;
            }
            p.Address($"{at}.gateway", port.Gateway, System.Net.IPNetwork.Parse($"{Mask(ip, prefix)}/{prefix}"));
        }
        if (pc.Ports.Count > 0 && !pc.Ports.Any(x => x.Usage is "mgmt" or "mgmt-and-apps"))
            p.Add("ports", "no port has usage mgmt or mgmt-and-apps: the device would lose its controller");
    }

    /// <summary>The network address of ip/prefix (IPv4).</summary>
    public static string Mask(System.Net.IPAddress ip, int prefix)
    {
        var bytes = ip.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - i * 8, 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }
        return new System.Net.IPAddress(bytes).ToString();
    }
}
