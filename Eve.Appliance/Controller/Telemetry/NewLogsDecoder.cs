using Eve.Appliance.Api.NewLogs;
using Eve.Appliance.Controller.Endpoints;

namespace Eve.Appliance.Controller.Telemetry;

/// <summary>
/// Decodes a newlogs body (WIRE A.7) with the shared codec, turning its refusals into HTTP
/// answers; the inflate cap keeps a gzip bomb from exhausting memory.
/// </summary>
internal static class NewLogsDecoder
{
    public static DecodedNewLogs Decode(ReadOnlySpan<byte> gzip)
    {
        try
        {
            var payload = NewLogsCodec.Decode(gzip, BodyLimits.LogsDecompressed);
            var tag = payload.Header.Extra is { } extra ? NewLogsChunkTag.FromExtra(extra) : null;
            return new DecodedNewLogs(payload.Entries, tag);
        }
        catch (NewLogsFormatException e)
        {
            throw e.Message.Contains("(the cap)", StringComparison.Ordinal)
                ? ApiError.TooLarge($"newlogs: {e.Message}")
                : ApiError.BadRequest($"newlogs: {e.Message}");
        }
    }
}
