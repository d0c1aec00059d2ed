using System.IO.Compression;
using System.Text.Json;
using Eve.Appliance.Controller.Endpoints;
using Org.Lfedge.Eve.Logs;

namespace Eve.Appliance.Controller.Telemetry;

/// <summary>
/// Decodes a newlogs body (WIRE A.7): one gzip member whose lines are LogEntry in Go encoding/json
/// form. Output is capped so a gzip bomb cannot exhaust memory.
/// </summary>
internal static class NewLogsDecoder
{
    public static List<LogEntry> Decode(ReadOnlySpan<byte> gzip)
    {
        if (gzip.Length < 18 || gzip[0] != 0x1f || gzip[1] != 0x8b)
            throw ApiError.BadRequest("newlogs body is not gzip (bad magic)");
        var entries = new List<LogEntry>();
        using var input = new MemoryStream(gzip.ToArray(), writable: false);
        using var unzip = new GZipStream(input, CompressionMode.Decompress);
        using var reader = new StreamReader(unzip);
        long total = 0;
        try
        {
            while (reader.ReadLine() is { } line)
            {
                total += line.Length + 1;
                if (total > BodyLimits.LogsDecompressed)
                    throw ApiError.TooLarge($"newlogs decompress to more than {BodyLimits.LogsDecompressed} bytes");
                if (line.Length == 0) continue;
                entries.Add(ParseLine(line));
            }
        }
        catch (InvalidDataException e)
        {
            throw ApiError.BadRequest($"newlogs gzip is damaged: {e.Message}");
        }
        return entries;
    }

    /// <summary>One LogEntry in Go encoding/json form (proto field names; timestamp {seconds,nanos}).</summary>
    public static LogEntry ParseLine(string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            var e = doc.RootElement;
            var entry = new LogEntry
            {
                Severity = Str(e, "severity"),
                Source = Str(e, "source"),
                Iid = Str(e, "iid"),
                Content = Str(e, "content"),
                Filename = Str(e, "filename"),
                Function = Str(e, "function"),
            };
            if (e.TryGetProperty("msgid", out var id) && id.ValueKind == JsonValueKind.Number) entry.Msgid = id.GetUInt64();
            if (e.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Object)
                foreach (var t in tags.EnumerateObject()) entry.Tags[t.Name] = t.Value.ToString();
            if (e.TryGetProperty("timestamp", out var ts) && ts.ValueKind == JsonValueKind.Object)
            {
                entry.Timestamp = new Google.Protobuf.WellKnownTypes.Timestamp
                {
                    Seconds = ts.TryGetProperty("seconds", out var s) ? s.GetInt64() : 0,
                    Nanos = ts.TryGetProperty("nanos", out var n) ? n.GetInt32() : 0,
                };
            }
            return entry;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            throw ApiError.BadRequest($"newlogs line is not a LogEntry: {ex.Message}");
        }
    }

    private static string Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "";
}
