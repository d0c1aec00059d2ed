using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Eve.Appliance.Provisioning;

/// <summary><c>eve-provision.json</c> at the root of a provisioning stick: every file on it with its
/// sha256. The stick's identity is the sha256 of these bytes (written sorted, so the same contents
/// always give the same hash): the device records it and ingests a stick only once.</summary>
internal sealed record ProvisionManifest(IReadOnlyDictionary<string, string> Files)
{
    public const string FileName = "eve-provision.json";
    public const int Format = 1;

    public byte[] ToJson()
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("format", Format);
            w.WriteStartObject("files");
            foreach (var (path, sha) in Files.OrderBy(f => f.Key, StringComparer.Ordinal)) w.WriteString(path, sha);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        ms.WriteByte((byte)'\n');
        return ms.ToArray();
    }

    public static ProvisionManifest Parse(byte[] json, string source)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (!root.TryGetProperty("format", out var f) || f.GetInt32() != Format)
                throw new InvalidDataException($"{source}: {FileName} has format {(root.TryGetProperty("format", out var g) ? g.ToString() : "(none)")}, this appliance reads format {Format}");
            var files = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var p in root.GetProperty("files").EnumerateObject())
            {
                if (!IsSafePath(p.Name)) throw new InvalidDataException($"{source}: {FileName} names '{p.Name}', which is not a plain relative path under config/ or images/");
                files[p.Name] = p.Value.GetString() ?? "";
            }
            return new ProvisionManifest(files);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{source}: {FileName} is not a valid provisioning manifest: {e.Message}", e);
        }
    }

    public static string Hash(byte[] manifestBytes) => Convert.ToHexStringLower(SHA256.HashData(manifestBytes));

    /// <summary>Only config/… and images/… relative paths, no "..", so a stick cannot write elsewhere.</summary>
    public static bool IsSafePath(string path) =>
        (path.StartsWith("config/", StringComparison.Ordinal) || path.StartsWith("images/", StringComparison.Ordinal))
        && !path.Split('/').Any(s => s is "" or "." or "..") && !path.Contains('\\', StringComparison.Ordinal)
        && Encoding.UTF8.GetByteCount(path) < 200;
}
