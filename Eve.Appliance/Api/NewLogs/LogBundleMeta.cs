using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Eve.Appliance.Api.NewLogs;

/// <summary>What a device newlogs upload says about its sender, carried in the gzip FCOMMENT as
/// <c>{"devID":…,"image":…,"eveVersion":…}</c> (LogBundle's Go field names, WIRE.md A.7).</summary>
internal sealed record LogBundleMeta(string DevId, string Image, string EveVersion)
{
    /// <summary>The comment text: Go JSON with characters above U+00FF written as \uXXXX, because the
    /// gzip header is ISO 8859-1 and EVE escapes what Latin-1 cannot carry.</summary>
    public string ToComment()
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        GoJsonWriter.WriteRaw(buffer, "{\"devID\":"u8);
        GoJsonWriter.WriteString(buffer, DevId, escapeAboveLatin1: true);
        GoJsonWriter.WriteRaw(buffer, ",\"image\":"u8);
        GoJsonWriter.WriteString(buffer, Image, escapeAboveLatin1: true);
        GoJsonWriter.WriteRaw(buffer, ",\"eveVersion\":"u8);
        GoJsonWriter.WriteString(buffer, EveVersion, escapeAboveLatin1: true);
        GoJsonWriter.WriteRaw(buffer, "}"u8);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static LogBundleMeta ParseComment(string comment)
    {
        try
        {
            using var doc = JsonDocument.Parse(comment);
            var root = doc.RootElement;
            return new LogBundleMeta(Get(root, "devID"), Get(root, "image"), Get(root, "eveVersion"));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new NewLogsFormatException($"gzip comment is not LogBundle JSON {{\"devID\",\"image\",\"eveVersion\"}}: {e.Message}: {comment}", e);
        }
    }

    private static string Get(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
}
