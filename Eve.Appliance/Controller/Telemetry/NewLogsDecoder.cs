using Eve.Appliance.Api.NewLogs;
using Eve.Appliance.Controller.Endpoints;
using Org.Lfedge.Eve.Logs;

namespace Eve.Appliance.Controller.Telemetry;

/// <summary>
/// Decodes a newlogs body (WIRE A.7) with the shared codec, turning its refusals into HTTP
/// answers; the inflate cap keeps a gzip bomb from exhausting memory.
/// </summary>
internal static class NewLogsDecoder
{
    public static IReadOnlyList<LogEntry> Decode(ReadOnlySpan<byte> gzip)
    {
        try
        {
            return NewLogsCodec.Decode(gzip, BodyLimits.LogsDecompressed).Entries;
        }
        catch (NewLogsFormatException e)
        {
            throw e.Message.Contains("(the cap)", StringComparison.Ordinal)
                ? ApiError.TooLarge($"newlogs: {e.Message}")
                : ApiError.BadRequest($"newlogs: {e.Message}");
        }
    }
}
