using System.Security.Cryptography;
using System.Text.Json;
using Eve.Appliance.Platform.Files;

namespace Eve.Appliance.Agent.Connectivity;

/// <summary>The persisted DPC list (<c>PERSIST/connectivity/dpc-list.json</c>, written atomically) with
/// the index of the working DPC and the SHA-256 of every <c>override.json</c>/<c>usb.json</c> already
/// ingested, so a file is taken once and not again after a restart — only when its content changes.</summary>
internal sealed class DpcListStore(string persistDir)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public string Path { get; } = System.IO.Path.Combine(persistDir, "connectivity", "dpc-list.json");

    public DpcListFile Load()
    {
        if (!File.Exists(Path)) return new DpcListFile([], -1, new Dictionary<string, string>());
        try
        {
            return JsonSerializer.Deserialize<DpcListFile>(File.ReadAllBytes(Path), Json)
                ?? throw new JsonException("empty document");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"DPC list {Path} is unreadable ({ex.Message}); move it away to start from the controller's config and the last resort", ex);
        }
    }

    public void Save(DpcListFile file) => AtomicFile.Write(Path, JsonSerializer.SerializeToUtf8Bytes(file, Json), AtomicFile.Private);

    /// <summary>Reads <c>override.json</c> and <c>usb.json</c> from <paramref name="configDir"/> whose
    /// hash differs from the one recorded in <paramref name="ingested"/> (updated in place).</summary>
    public static List<DevicePortConfig> IngestFiles(string configDir, IDictionary<string, string> ingested, DateTimeOffset now)
    {
        var result = new List<DevicePortConfig>();
        foreach (var (name, key) in new[] { ("override.json", DevicePortConfig.OverrideKey), ("usb.json", DevicePortConfig.UsbKey) })
        {
            var path = System.IO.Path.Combine(configDir, name);
            if (File.Exists(path) && Ingest(name, path, key, File.ReadAllBytes(path), ingested, now) is { } dpc) result.Add(dpc);
        }
        return result;
    }

    /// <summary>One file's DPC, unless a file of that <paramref name="name"/> with the same SHA-256 was
    /// ingested before; the hash is recorded in <paramref name="ingested"/>.</summary>
    public static DevicePortConfig? Ingest(string name, string where, string key, byte[] bytes, IDictionary<string, string> ingested, DateTimeOffset now)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (ingested.TryGetValue(name, out var seen) && seen == hash) return null;
        DevicePortConfig dpc;
        try
        {
            dpc = DpcSources.FromEveJson(System.Text.Encoding.UTF8.GetString(bytes), key, now);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            throw new InvalidDataException($"{where} is not a valid DevicePortConfig ({ex.Message}); fix or remove it", ex);
        }
        ingested[name] = hash;
        return dpc;
    }
}
