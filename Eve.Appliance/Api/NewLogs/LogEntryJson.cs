using System.Buffers;
using System.Text;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Org.Lfedge.Eve.Logs;

namespace Eve.Appliance.Api.NewLogs;

/// <summary>One <see cref="LogEntry"/> as one newlogs line: Go encoding/json of the generated Go struct,
/// so proto field names in field order, omitempty, tags as a key-sorted object and the timestamp as
/// {"seconds":…,"nanos":…} (WIRE.md A.7). Not protobuf canonical JSON.</summary>
internal static class LogEntryJson
{
    /// <summary>Writes the entry without the trailing newline. The overrides let a spool stamp a msgid
    /// or shorten the content without copying the caller's message.</summary>
    public static void Write(IBufferWriter<byte> w, LogEntry e, ulong? msgidOverride = null, string? contentOverride = null)
    {
        var content = contentOverride ?? e.Content;
        var msgid = msgidOverride ?? e.Msgid;
        var first = true;
        GoJsonWriter.WriteRaw(w, "{"u8);
        if (e.Severity.Length > 0) Key(w, "\"severity\":"u8, ref first).String(w, e.Severity);
        if (e.Source.Length > 0) Key(w, "\"source\":"u8, ref first).String(w, e.Source);
        if (e.Iid.Length > 0) Key(w, "\"iid\":"u8, ref first).String(w, e.Iid);
        if (content.Length > 0) Key(w, "\"content\":"u8, ref first).String(w, content);
        if (msgid != 0)
        {
            Key(w, "\"msgid\":"u8, ref first);
            GoJsonWriter.WriteNumber(w, msgid);
        }
        if (e.Tags.Count > 0)
        {
            Key(w, "\"tags\":{"u8, ref first);
            var keys = e.Tags.Keys.ToArray();
            Array.Sort(keys, StringComparer.Ordinal); // Go sorts map keys by their UTF-8 bytes; ordinal matches for BMP text
            for (var i = 0; i < keys.Length; i++)
            {
                if (i > 0) GoJsonWriter.WriteRaw(w, ","u8);
                GoJsonWriter.WriteString(w, keys[i]);
                GoJsonWriter.WriteRaw(w, ":"u8);
                GoJsonWriter.WriteString(w, e.Tags[keys[i]]);
            }
            GoJsonWriter.WriteRaw(w, "}"u8);
        }
        if (e.Timestamp != null)
        {
            // A set but zero Timestamp is a non-nil pointer in Go: rendered as {}.
            Key(w, "\"timestamp\":{"u8, ref first);
            if (e.Timestamp.Seconds != 0)
            {
                GoJsonWriter.WriteRaw(w, "\"seconds\":"u8);
                GoJsonWriter.WriteNumber(w, e.Timestamp.Seconds);
            }
            if (e.Timestamp.Nanos != 0)
            {
                GoJsonWriter.WriteRaw(w, e.Timestamp.Seconds != 0 ? ",\"nanos\":"u8 : "\"nanos\":"u8);
                GoJsonWriter.WriteNumber(w, (long)e.Timestamp.Nanos);
            }
            GoJsonWriter.WriteRaw(w, "}"u8);
        }
        if (e.Filename.Length > 0) Key(w, "\"filename\":"u8, ref first).String(w, e.Filename);
        if (e.Function.Length > 0) Key(w, "\"function\":"u8, ref first).String(w, e.Function);
        GoJsonWriter.WriteRaw(w, "}"u8);
    }

    public static byte[] ToBytes(LogEntry e)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Write(buffer, e);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Parses one line (no newline). Unknown keys are skipped; numbers may also come quoted.</summary>
    public static LogEntry Parse(ReadOnlySpan<byte> line, int lineNumber = 0)
    {
        try
        {
            var reader = new Utf8JsonReader(line);
            Expect(ref reader, JsonTokenType.StartObject);
            var e = new LogEntry();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = reader.GetString();
                reader.Read();
                switch (key)
                {
                    case "severity": e.Severity = reader.GetString() ?? ""; break;
                    case "source": e.Source = reader.GetString() ?? ""; break;
                    case "iid": e.Iid = reader.GetString() ?? ""; break;
                    case "content": e.Content = reader.GetString() ?? ""; break;
                    case "msgid": e.Msgid = ReadUInt64(ref reader); break;
                    case "filename": e.Filename = reader.GetString() ?? ""; break;
                    case "function": e.Function = reader.GetString() ?? ""; break;
                    case "tags": ReadTags(ref reader, e); break;
                    case "timestamp": e.Timestamp = ReadTimestamp(ref reader); break;
                    default: reader.Skip(); break;
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject) throw new JsonException("object is not closed");
            return e;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            var preview = Encoding.UTF8.GetString(line[..Math.Min(line.Length, 80)]);
            throw new NewLogsFormatException($"newlogs line {lineNumber} is not a LogEntry in Go JSON form ({ex.Message}): {preview}", ex);
        }
    }

    private static void ReadTags(ref Utf8JsonReader reader, LogEntry e)
    {
        if (reader.TokenType == JsonTokenType.Null) return;
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("tags is not an object");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            e.Tags[key] = reader.GetString() ?? "";
        }
    }

    private static Timestamp? ReadTimestamp(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("timestamp is not an object");
        var ts = new Timestamp();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString();
            reader.Read();
            if (key == "seconds") ts.Seconds = (long)ReadUInt64OrInt64(ref reader);
            else if (key == "nanos") ts.Nanos = (int)ReadUInt64OrInt64(ref reader);
            else reader.Skip();
        }
        return ts;
    }

    private static ulong ReadUInt64(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.String ? ulong.Parse(reader.GetString()!) : reader.GetUInt64();

    private static long ReadUInt64OrInt64(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.String ? long.Parse(reader.GetString()!) : reader.GetInt64();

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (!reader.Read() || reader.TokenType != type) throw new JsonException($"expected {type}");
    }

    private static KeyWriter Key(IBufferWriter<byte> w, ReadOnlySpan<byte> key, ref bool first)
    {
        if (!first) GoJsonWriter.WriteRaw(w, ","u8);
        first = false;
        GoJsonWriter.WriteRaw(w, key);
        return default;
    }

    private readonly struct KeyWriter
    {
        public void String(IBufferWriter<byte> w, string value) => GoJsonWriter.WriteString(w, value);
    }
}
