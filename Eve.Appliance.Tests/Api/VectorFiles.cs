using System.Text.Json;

namespace Eve.Appliance.Tests.Api;

/// <summary>The upstream-encoded vectors (copied from shared/eve-api/vectors into the test tree).</summary>
internal static class VectorFiles
{
    public static string Dir => Path.Combine(TestContext.CurrentContext.TestDirectory, "Api", "Vectors");

    public static string PkiDir => Path.Combine(Dir, "pki");

    public sealed record Entry(string Name, string MessageType, bool IsProtobuf);

    public static IEnumerable<Entry> Manifest()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "Api", "Vectors");
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "MANIFEST.json")));
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            var type = e.GetProperty("messageType").GetString()!;
            yield return new Entry(e.GetProperty("name").GetString()!, type, !type.StartsWith('('));
        }
    }

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(Dir, name + ".bin"));

    public static string Json(string name) => File.ReadAllText(Path.Combine(Dir, name + ".json"));
}
