using System.Globalization;
using System.Text.Json.Nodes;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Agent.Node;

/// <summary>Why a boot ended (or is about to end), in EVE's enum and in words, and when.</summary>
internal sealed record BootRecord(BootReason Reason, string Text, DateTimeOffset Time)
{
    public JsonObject ToJson() => new()
    {
        ["reason"] = Reason.ToString(),
        ["text"] = Text,
        ["time"] = Time.ToString("O", CultureInfo.InvariantCulture),
    };

    public static BootRecord? FromJson(JsonNode? node)
    {
        if (node is not JsonObject o) return null;
        if (!Enum.TryParse<BootReason>((string?)o["reason"], out var reason)) reason = BootReason.Unknown;
        var time = DateTimeOffset.TryParse((string?)o["time"], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) ? t : DateTimeOffset.UnixEpoch;
        return new BootRecord(reason, (string?)o["text"] ?? "", time);
    }
}
