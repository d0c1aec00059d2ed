using LiteDB;

namespace Eve.Appliance.Controller.Objects.Model;

/// <summary>
/// One published config of a device. <see cref="ContentHash"/> is over the EdgeDevConfig as
/// composed (without id.version), so the same objects always give the same hash;
/// <see cref="Config"/> is what was stored and served (with id.version = <see cref="Version"/>).
/// </summary>
public sealed class ConfigVersionDoc
{
    /// <summary>"&lt;device&gt;/&lt;version, 10 digits&gt;".</summary>
    [BsonId] public string Id { get; set; } = "";
    public string DeviceId { get; set; } = "";
    public int Version { get; set; }
    public string ContentHash { get; set; } = "";
    /// <summary>default, objects, raw or "revert to N".</summary>
    public string Source { get; set; } = "";
    public string Actor { get; set; } = "";
    public DateTime At { get; set; }
    public byte[] Config { get; set; } = [];

    public static string KeyOf(string deviceId, int version) => $"{deviceId}/{version:D10}";
}
