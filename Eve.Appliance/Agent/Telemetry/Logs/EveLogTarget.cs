using NLog;
using NLog.Targets;
using Org.Lfedge.Eve.Logs;

namespace Eve.Appliance.Agent.Telemetry.Logs;

/// <summary>NLog target that turns every appliance log event into an EVE <see cref="LogEntry"/> in the
/// newlogs spool. Fields: severity from the level in EVE's (logrus) words; source from the event property
/// "source" or else the logger name; iid the process id; content the rendered layout; the event's
/// properties as tags (so "appuuid" and friends travel); file and function when NLog captured the caller.
/// An event with property "applog" = true and an "appuuid" goes to that app's stream instead.</summary>
[Target("EveNewLogs")]
internal sealed class EveLogTarget : TargetWithLayout
{
    public const string SourceProperty = "source", AppUuidProperty = "appuuid", AppLogProperty = "applog";

    private static readonly string ProcessId = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
    private readonly LogSegmentWriter _writer;

    public EveLogTarget(LogSegmentWriter writer)
    {
        _writer = writer;
        Name = "eve-newlogs";
        Layout = "${message}${onexception:inner= ${exception:format=tostring}}";
    }

    protected override void Write(LogEventInfo logEvent)
    {
        var entry = new LogEntry
        {
            Severity = SeverityOf(logEvent.Level),
            Source = logEvent.LoggerName ?? "",
            Iid = ProcessId,
            Content = RenderLogEvent(Layout, logEvent),
            Timestamp = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(logEvent.TimeStamp.ToUniversalTime()),
        };
        if (logEvent.CallerFilePath is { Length: > 0 } file) entry.Filename = $"{file}:{logEvent.CallerLineNumber}";
        if (logEvent.CallerMemberName is { Length: > 0 } member) entry.Function = member;
        string? appUuid = null;
        var appLog = false;
        if (logEvent.HasProperties)
        {
            foreach (var (key, value) in logEvent.Properties)
            {
                var name = key.ToString() ?? "";
                var text = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
                if (name == SourceProperty) entry.Source = text;
                else if (name == AppLogProperty) appLog = value is true || text == "true";
                else
                {
                    if (name == AppUuidProperty) appUuid = text;
                    entry.Tags[name] = text;
                }
            }
        }
        if (appLog && appUuid != null && Guid.TryParse(appUuid, out _))
        {
            entry.Tags.Remove(AppUuidProperty);
            _writer.AppendApp(entry, appUuid);
        }
        else
        {
            _writer.Append(entry);
        }
    }

    /// <summary>EVE's severities are logrus level names.</summary>
    public static string SeverityOf(NLog.LogLevel level) => level.Ordinal switch
    {
        0 => "trace",
        1 => "debug",
        2 => "info",
        3 => "warning",
        4 => "error",
        _ => "fatal",
    };
}
