using System.IO.Compression;
using System.Text.Json;
using Org.Lfedge.Eve.Logs;

namespace Eve.Appliance.Agent.Reporting;

/// <summary>Packs log entries as a newlogs body: gzip of one Go-encoding/json LogEntry per line (WIRE A.7).</summary>
internal static class NewLogsChunk
{
    public static byte[] Pack(IEnumerable<LogEntry> entries)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        using (var json = new Utf8JsonWriter(gzip))
        {
            foreach (var e in entries)
            {
                json.Reset(gzip);
                WriteLine(json, e);
                json.Flush();
                gzip.WriteByte((byte)'\n');
            }
        }
        return output.ToArray();
    }

    private static void WriteLine(Utf8JsonWriter w, LogEntry e)
    {
        w.WriteStartObject();
        if (e.Severity != "") w.WriteString("severity", e.Severity);
        if (e.Source != "") w.WriteString("source", e.Source);
        if (e.Iid != "") w.WriteString("iid", e.Iid);
        if (e.Content != "") w.WriteString("content", e.Content);
        if (e.Msgid != 0) w.WriteNumber("msgid", e.Msgid);
        if (e.Tags.Count > 0)
        {
            w.WriteStartObject("tags");
            foreach (var (k, v) in e.Tags) w.WriteString(k, v);
            w.WriteEndObject();
        }
        if (e.Timestamp != null)
        {
            w.WriteStartObject("timestamp");
            if (e.Timestamp.Seconds != 0) w.WriteNumber("seconds", e.Timestamp.Seconds);
            if (e.Timestamp.Nanos != 0) w.WriteNumber("nanos", e.Timestamp.Nanos);
            w.WriteEndObject();
        }
        if (e.Filename != "") w.WriteString("filename", e.Filename);
        if (e.Function != "") w.WriteString("function", e.Function);
        w.WriteEndObject();
    }
}
