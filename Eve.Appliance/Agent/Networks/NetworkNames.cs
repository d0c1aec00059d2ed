using System.Security.Cryptography;
using System.Text;

namespace Eve.Appliance.Agent.Networks;

/// <summary>Names of what we create, derived from config UUIDs so that a restarted appliance finds them
/// again. Interface names stay within Linux's 15 characters; our prefixes mark them as ours.</summary>
internal static class NetworkNames
{
    public const string BridgePrefix = "bn-";
    public const string VifPrefix = "nbu";
    public const string TablePrefix = "eve_ni_";
    public const string DnsmasqPrefix = "ni-";

    public static string InstanceId(string uuid)
    {
        var hex = uuid.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
        if (hex.Length < 8 || !hex.All(Uri.IsHexDigit))
            throw new ArgumentException($"network instance uuid '{uuid}' is not a UUID");
        return hex[..8];
    }

    public static string Bridge(string instanceUuid) => BridgePrefix + InstanceId(instanceUuid);
    public static string NftTable(string instanceUuid) => TablePrefix + InstanceId(instanceUuid);
    public static string Dnsmasq(string instanceUuid) => DnsmasqPrefix + InstanceId(instanceUuid);

    /// <summary>"nbu" + 6 hex of the app UUID's hash + "x" + NIC index, e.g. <c>nbu3fa2c1x0</c>.</summary>
    public static string Vif(string appUuid, int index) => $"{VifPrefix}{Hex(appUuid, 3)}x{index}";

    /// <summary>A stable locally administered unicast MAC for an app NIC without one in config.</summary>
    public static string GeneratedMac(string appUuid, int index)
    {
        var h = SHA256.HashData(Encoding.UTF8.GetBytes($"{appUuid}/{index}"));
        return $"02:{h[0]:x2}:{h[1]:x2}:{h[2]:x2}:{h[3]:x2}:{h[4]:x2}";
    }

    private static string Hex(string s, int bytes) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)))[..(bytes * 2)];
}
