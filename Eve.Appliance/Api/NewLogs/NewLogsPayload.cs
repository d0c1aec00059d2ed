using Org.Lfedge.Eve.Logs;

namespace Eve.Appliance.Api.NewLogs;

/// <summary>A decoded newlogs upload. Device uploads carry <see cref="Meta"/> (from FCOMMENT); app
/// uploads carry <see cref="AppName"/> (from FNAME).</summary>
internal sealed record NewLogsPayload(GzipHeader Header, LogBundleMeta? Meta, string? AppName, IReadOnlyList<LogEntry> Entries);
