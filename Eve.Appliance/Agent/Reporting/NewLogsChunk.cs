using Eve.Appliance.Api.NewLogs;
using Org.Lfedge.Eve.Logs;

namespace Eve.Appliance.Agent.Reporting;

/// <summary>Packs the agent's log entries as a device newlogs body (WIRE A.7): gzip with the
/// LogBundle JSON in FCOMMENT and one Go-encoding/json LogEntry per line.</summary>
internal static class NewLogsChunk
{
    public static byte[] Pack(IEnumerable<LogEntry> entries, string devId, string eveVersion, DateTimeOffset now) =>
        NewLogsCodec.EncodeDevice(new LogBundleMeta(devId, "IMGA", eveVersion), entries, now);
}
