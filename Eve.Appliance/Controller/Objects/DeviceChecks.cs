using System.Net;
using Eve.Appliance.Controller.Objects.Model;

namespace Eve.Appliance.Controller.Objects;

/// <summary>Rules that hold across the objects one device runs: no two of its networks overlap
/// (each other or a static port), its apps fit in its memory, its network instances use ports it has.</summary>
internal static class DeviceChecks
{
    public static IReadOnlyList<Problem> Check(DeviceFacts device, ExpandedAssignment x)
    {
        var p = new ProblemList();
        var at = $"device '{device.Name}'";
        var subnets = new List<(string What, IPNetwork Net)>();
        foreach (var n in x.Networks.Where(n => n.Kind == "local" && n.Subnet != null))
            if (IPNetwork.TryParse(n.Subnet, out var net)) subnets.Add(($"network '{n.Name}'", net));
        foreach (var port in x.PortConfig?.Ports ?? [])
            if (port.Addressing == "static" && port.Address?.Split('/') is [var ip, var len] && int.TryParse(len, out var prefix)
                && IPAddress.TryParse(ip, out var addr) && IPNetwork.TryParse($"{PortRules.Mask(addr, prefix)}/{prefix}", out var net))
                subnets.Add(($"port '{port.Label}' of port config '{x.PortConfig!.Name}'", net));
        for (var i = 0; i < subnets.Count; i++)
            for (var j = i + 1; j < subnets.Count; j++)
                if (subnets[i].Net.Contains(subnets[j].Net.BaseAddress) || subnets[j].Net.Contains(subnets[i].Net.BaseAddress))
                    p.Add($"{at}.networks", $"overlapping subnets: {subnets[i].What} {subnets[i].Net} and {subnets[j].What} {subnets[j].Net}; give one of them another subnet");

        var memory = x.Apps.Where(a => a.Activate).Sum(a => (long)a.MemoryMb);
        if (device.MemoryMb is { } capacity && memory > capacity)
            p.Add($"{at}.apps", $"memory over the device's capacity: its running apps ask for {memory} MB, the device reports {capacity} MB ({string.Join(", ", x.Apps.Where(a => a.Activate).Select(a => $"{a.Name} {a.MemoryMb} MB"))})");
        if (device.Cpus is { } cpus && x.Apps.FirstOrDefault(a => a.Cpus > cpus) is { } big)
            p.Add($"{at}.apps", $"app '{big.Name}' asks for {big.Cpus} CPUs, the device has {cpus}");

        var labels = x.PortConfig?.Ports.Select(q => q.Label).ToHashSet(StringComparer.Ordinal) ?? ["eth0"];
        foreach (var n in x.Networks)
            if (n.Port is { Length: > 0 } port && port != "uplink" && !labels.Contains(port))
                p.Add($"{at}.networks", $"network '{n.Name}' uses port '{port}', which the device's port config does not have (ports: {string.Join(", ", labels)})");
        return p.Items;
    }
}
