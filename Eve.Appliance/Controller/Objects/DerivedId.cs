using System.Security.Cryptography;
using System.Text;

namespace Eve.Appliance.Controller.Objects;

/// <summary>UUIDs of config parts the operator does not name (an app's image volumes, a port's
/// network): derived from their owner, so compiling the same objects twice gives the same ids and
/// a device keeps its volumes when unrelated objects change.</summary>
internal static class DerivedId
{
    public static string Of(params string[] parts)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', parts)), hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // version 8 (custom, RFC 9562)
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC variant
        return new Guid(hash[..16], bigEndian: true).ToString();
    }
}
