using System.Buffers;
using System.IO.Compression;
using Org.Lfedge.Eve.Logs;

namespace Eve.Appliance.Api.NewLogs;

/// <summary>EVE's newlogs upload body (WIRE.md A.7): one gzip member whose body is one Go-JSON
/// <see cref="LogEntry"/> per line, each ending in '\n'. Device logs put <see cref="LogBundleMeta"/>
/// in FCOMMENT; app logs put the app name in FNAME.</summary>
internal static class NewLogsCodec
{
    /// <summary>Default inflate cap: EVE's chunks are ≤ 50 KB compressed, so 16 MB is generous yet
    /// keeps a hostile 50 KB bomb from taking the controller's memory.</summary>
    public const int DefaultMaxBodyBytes = 16 << 20;

    public static byte[] EncodeDevice(LogBundleMeta meta, IEnumerable<LogEntry> entries, DateTimeOffset modTime,
        CompressionLevel level = CompressionLevel.SmallestSize) =>
        GzipMember.Write(DeviceHeader(meta, modTime, level), RenderLines(entries).WrittenSpan, level);

    public static byte[] EncodeApp(string appName, IEnumerable<LogEntry> entries, DateTimeOffset modTime,
        CompressionLevel level = CompressionLevel.SmallestSize) =>
        GzipMember.Write(AppHeader(appName, modTime, level), RenderLines(entries).WrittenSpan, level);

    public static GzipHeader DeviceHeader(LogBundleMeta meta, DateTimeOffset modTime, CompressionLevel level) =>
        new() { Comment = meta.ToComment(), ModTimeUnix = ToMtime(modTime), ExtraFlags = Xfl(level) };

    public static GzipHeader AppHeader(string appName, DateTimeOffset modTime, CompressionLevel level) =>
        new() { Name = Latin1Safe(appName), ModTimeUnix = ToMtime(modTime), ExtraFlags = Xfl(level) };

    public static ArrayBufferWriter<byte> RenderLines(IEnumerable<LogEntry> entries)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        foreach (var e in entries)
        {
            LogEntryJson.Write(buffer, e);
            GoJsonWriter.WriteRaw(buffer, "\n"u8);
        }
        return buffer;
    }

    public static NewLogsPayload Decode(ReadOnlySpan<byte> gzip, int maxBodyBytes = DefaultMaxBodyBytes)
    {
        var (header, body) = GzipMember.Read(gzip, maxBodyBytes);
        var meta = header.Comment is { Length: > 0 } c ? LogBundleMeta.ParseComment(c) : null;
        return new NewLogsPayload(header, meta, header.Name, ParseLines(body));
    }

    /// <summary>Parses '\n'-separated lines; blank lines are skipped (a trailing newline is normal).</summary>
    public static List<LogEntry> ParseLines(ReadOnlySpan<byte> body)
    {
        var entries = new List<LogEntry>();
        var lineNumber = 0;
        while (!body.IsEmpty)
        {
            lineNumber++;
            var nl = body.IndexOf((byte)'\n');
            var line = nl < 0 ? body : body[..nl];
            body = nl < 0 ? default : body[(nl + 1)..];
            if (line.Trim(" \r\t"u8).IsEmpty) continue;
            entries.Add(LogEntryJson.Parse(line, lineNumber));
        }
        return entries;
    }

    private static uint ToMtime(DateTimeOffset t) => (uint)Math.Clamp(t.ToUnixTimeSeconds(), 0, uint.MaxValue);

    // Go's compress/gzip: XFL=2 for BestCompression, 4 for BestSpeed, 0 otherwise.
    private static byte Xfl(CompressionLevel level) => level switch
    {
        CompressionLevel.SmallestSize => 2,
        CompressionLevel.Fastest => 4,
        _ => 0,
    };

    /// <summary>FNAME is Latin-1 and NUL-terminated: characters it cannot carry become \uXXXX.</summary>
    private static string Latin1Safe(string s)
    {
        if (s.All(c => c is > '\0' and <= '\u00FF')) return s;
        var sb = new System.Text.StringBuilder(s.Length + 16);
        foreach (var c in s) sb.Append(c is > '\0' and <= '\u00FF' ? c.ToString() : $"\\u{(int)c:x4}");
        return sb.ToString();
    }
}
