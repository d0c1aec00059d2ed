using System.Text.Json;
using System.Text.Json.Serialization;
using Eve.Appliance.Platform.Files;

namespace Eve.Appliance.Agent.Apps;

/// <summary>One JSON file per app, written crash-safely (temp, fsync, rename): after a power cut
/// an app's record is the old one or the new one, never torn.</summary>
internal sealed class AppStateStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = true,
    };

    public AppStateStore(string dir)
    {
        Dir = dir;
        Directory.CreateDirectory(dir);
    }

    public string Dir { get; }

    private string PathOf(Guid id) => Path.Combine(Dir, $"{id:D}.json");

    public AppRecord? Load(Guid id)
    {
        var path = PathOf(id);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<AppRecord>(File.ReadAllBytes(path), Json);
        }
        catch (JsonException)
        {
            // Cannot happen with atomic writes short of disk corruption; start the app over.
            return null;
        }
    }

    public void Save(AppRecord record) => AtomicFile.Write(PathOf(record.Id), JsonSerializer.SerializeToUtf8Bytes(record, Json));

    public void Delete(Guid id) => File.Delete(PathOf(id));

    public IReadOnlyList<Guid> Ids() =>
        Directory.EnumerateFiles(Dir, "*.json").Select(p => Guid.TryParse(Path.GetFileNameWithoutExtension(p), out var g) ? g : Guid.Empty)
            .Where(g => g != Guid.Empty).ToList();
}
