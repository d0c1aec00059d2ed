using Eve.Appliance.Api.NewLogs;
using Org.Lfedge.Eve.Logs;

namespace Eve.Appliance.Controller.Telemetry;

/// <summary>A decoded newlogs upload: its lines and, when the device's spool tagged the chunk
/// (FEXTRA), the chunk's identity, by which a re-sent chunk is recognised.</summary>
internal sealed record DecodedNewLogs(IReadOnlyList<LogEntry> Entries, NewLogsChunkTag? Tag);
