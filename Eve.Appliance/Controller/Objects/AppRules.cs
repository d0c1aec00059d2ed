using System.Net;
using Eve.Appliance.Controller.Objects.Model;

namespace Eve.Appliance.Controller.Objects;

/// <summary>The rules of an app manifest: resources, images, NICs and their ACLs.</summary>
internal static class AppRules
{
    private static readonly string[] MatchTypes = ["ip", "host", "protocol", "lport", "fport", "adapter"];

    public static void Check(AppObject a, ObjectValidator v, ObjectSet set, ProblemList p)
    {
        p.Range("cpus", a.Cpus, 1, 64);
        p.Range("memoryMb", a.MemoryMb, 16, 1 << 20, " MB");
        if (a.Images.Count == 0) p.Add("images", "an app needs at least one image (its boot disk, or a kernel)");
        for (var i = 0; i < a.Images.Count; i++)
        {
            var image = a.Images[i];
            image.ImageId = v.Ref<ImageObject>($"images[{i}].imageId", image.ImageId, p) ?? image.ImageId;
            p.OneOf($"images[{i}].target", image.Target, "disk", "kernel", "initrd");
            if (image.SizeBytes < 0) p.Add($"images[{i}].sizeBytes", "must not be negative");
        }
        foreach (var target in new[] { "kernel", "initrd" })
            if (a.Images.Count(i => i.Target == target) > 1) p.Add("images", $"at most one image may be the {target}");
        a.Volumes = v.Refs<VolumeObject>("volumes", a.Volumes, p);
        if (a.Vnc) p.Range("vncDisplay", a.VncDisplay, 0, 99);
        if (a.UserData is { Length: > 65536 }) p.Add("userData", $"{a.UserData.Length} characters: cloud-init user-data must be at most 64 KiB");
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < a.Interfaces.Count; i++)
            Interface(a.Interfaces[i], $"interfaces[{i}]", names, v, set, p);
    }

    private static void Interface(AppInterface nic, string at, HashSet<string> names, ObjectValidator v, ObjectSet set, ProblemList p)
    {
        if (string.IsNullOrWhiteSpace(nic.Name)) p.Add($"{at}.name", "required (e.g. eth0)");
        else if (!names.Add(nic.Name)) p.Add($"{at}.name", $"'{nic.Name}' is used by another interface of this app");
        nic.NetworkId = v.Ref<NetworkObject>($"{at}.networkId", nic.NetworkId, p) ?? nic.NetworkId;
        if (nic.Mac is { Length: > 0 } mac && !System.Net.NetworkInformation.PhysicalAddress.TryParse(mac, out _))
            p.Add($"{at}.mac", $"'{mac}' is not a MAC address (e.g. 02:16:3e:00:00:01)");
        if (nic.Ip is { Length: > 0 } ip && set.Networks.GetValueOrDefault(nic.NetworkId) is { Kind: "local", Subnet: { } cidr } && IPNetwork.TryParse(cidr, out var subnet))
            p.Address($"{at}.ip", ip, subnet);
        for (var j = 0; j < nic.Acls.Count; j++) Acl(nic.Acls[j], $"{at}.acls[{j}]", p);
    }

    private static void Acl(AclRule acl, string at, ProblemList p)
    {
        if (acl.Matches.Count == 0)
            p.Add($"{at}.matches", "an ACL rule with no match matches nothing: give at least one match, e.g. {\"type\": \"ip\", \"value\": \"0.0.0.0/0\"} or {\"type\": \"host\", \"value\": \"example.com\"}");
        for (var k = 0; k < acl.Matches.Count; k++)
        {
            var m = acl.Matches[k];
            var field = $"{at}.matches[{k}]";
            p.OneOf($"{field}.type", m.Type, MatchTypes);
            switch (m.Type)
            {
                case "ip" when !IPAddress.TryParse(m.Value, out _) && !IPNetwork.TryParse(m.Value, out _):
                    p.Add($"{field}.value", $"'{m.Value}' is not an IP address or subnet");
                    break;
                case "lport" or "fport" when !int.TryParse(m.Value, out var port) || port is < 1 or > 65535:
                    p.Add($"{field}.value", $"'{m.Value}' is not a port 1–65535");
                    break;
                case "protocol" when m.Value is not ("tcp" or "udp" or "icmp") && !(int.TryParse(m.Value, out var proto) && proto is >= 0 and <= 255):
                    p.Add($"{field}.value", $"'{m.Value}' is not a protocol (tcp, udp, icmp or a number 0–255)");
                    break;
                case "host" or "adapter" when string.IsNullOrWhiteSpace(m.Value):
                    p.Add($"{field}.value", "required");
                    break;
            }
        }
        p.OneOf($"{at}.action", acl.Action, "allow", "drop", "portmap", "limit");
        if (acl.Action == "portmap")
        {
            p.Range($"{at}.appPort", acl.AppPort, 1, 65535);
            if (!acl.Matches.Any(m => m.Type == "lport")) p.Add($"{at}.matches", "a portmap rule needs an lport match (the port on the device to map)");
        }
        if (acl.Action == "limit")
        {
            p.Range($"{at}.limitRate", acl.LimitRate, 1, 1_000_000);
            p.OneOf($"{at}.limitUnit", acl.LimitUnit, "s", "m", "h");
        }
    }
}
