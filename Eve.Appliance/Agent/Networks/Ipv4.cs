using System.Buffers.Binary;
using System.Net;

namespace Eve.Appliance.Agent.Networks;

/// <summary>IPv4 addresses as numbers, for subnet arithmetic.</summary>
internal static class Ipv4
{
    public static uint ToUInt(IPAddress a) => BinaryPrimitives.ReadUInt32BigEndian(a.GetAddressBytes());

    public static IPAddress FromUInt(uint v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, v);
        return new IPAddress(b);
    }

    public static bool TryParse(string s, out uint value)
    {
        value = 0;
        if (!IPAddress.TryParse(s, out var a) || a.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork) return false;
        value = ToUInt(a);
        return true;
    }

    public static string Netmask(int prefix) => FromUInt(prefix == 0 ? 0 : uint.MaxValue << (32 - prefix)).ToString();
}
