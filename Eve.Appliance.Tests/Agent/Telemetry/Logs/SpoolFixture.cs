using Eve.Appliance.Agent.Telemetry.Logs;
using Eve.Appliance.Api.NewLogs;
using Google.Protobuf.WellKnownTypes;
using Org.Lfedge.Eve.Logs;

namespace Eve.Appliance.Tests.Agent.Telemetry.Logs;

/// <summary>Temp spool folders and helpers to read back what a spool emitted.</summary>
internal static class SpoolFixture
{
    public static readonly LogBundleMeta Meta = new("5d0767ee-0547-4569-b530-387e526f8cb9", "IMGA", "0.1.0-test");

    public static string NewDir() => Directory.CreateTempSubdirectory("spool-").FullName;

    public static LogSpoolOptions Options(string dir) => new() { Directory = dir, Meta = Meta, TickPeriod = null };

    public static LogEntry Entry(int i, string? content = null) => new()
    {
        Severity = "info", Source = "test", Content = content ?? $"line {i:D6} of the test log with some words to compress",
        Timestamp = new Timestamp { Seconds = 1767225600 + i },
    };

    /// <summary>Every chunk in pending/ (and sent/ if asked), oldest first, decoded.</summary>
    public static List<(LogChunk Chunk, NewLogsPayload Payload)> Chunks(LogUploadQueue queue, bool includeSent = false)
    {
        var chunks = (includeSent ? queue.ListSent().Concat(queue.ListPending()) : queue.ListPending()).OrderBy(c => c.Id);
        return chunks.Select(c => (c, NewLogsCodec.Decode(File.ReadAllBytes(c.Path)))).ToList();
    }

    public static List<string> Contents(LogUploadQueue queue, bool includeSent = false) =>
        Chunks(queue, includeSent).SelectMany(c => c.Payload.Entries).Select(e => e.Content).ToList();

    public static void CopyDirectory(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(dir.Replace(from, to));
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file.Replace(from, to))!);
            File.Copy(file, file.Replace(from, to), overwrite: true);
        }
    }
}
