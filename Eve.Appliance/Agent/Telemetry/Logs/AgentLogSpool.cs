using System.Collections.Concurrent;
using Eve.Appliance.Api.NewLogs;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging;
using NLog.Config;
using NLog.Extensions.Logging;
using Org.Lfedge.Eve.Logs;

namespace Eve.Appliance.Agent.Telemetry.Logs;

/// <summary>The appliance's log spool under /persist/newlog: every log event of the process (through
/// <see cref="LoggerProvider"/>, an NLog provider with its own <see cref="NLog.LogFactory"/> so several
/// agents in one test process keep their lines apart) and every app console line go to the on-disk
/// segments, from which <see cref="LogUploader"/> ships gzip chunks. Open it before the host, so the
/// first line of the run is kept; dispose it after the host, so the last lines are packed.</summary>
internal sealed class AgentLogSpool : IDisposable
{
    public const string QuotaItem = "newlog.gzipfiles.ondisk.maxmegabytes";
    public const int DefaultQuotaMegabytes = 2048;

    private readonly NLog.LogFactory _factory;
    private readonly ConcurrentDictionary<string, string> _appNames = new(StringComparer.Ordinal);
    private readonly string _persistDir;
    private readonly LogLevelGate _remote = new(PartLogLevels.Info);
    private volatile string _deviceId = "";

    private AgentLogSpool(string persistDir, TimeSpan segmentAge, string eveVersion, TimeProvider time)
    {
        _persistDir = persistDir;
        var options = new LogSpoolOptions
        {
            Directory = Path.Combine(persistDir, "newlog"),
            Meta = new LogBundleMeta("", "IMGA", eveVersion),
            MetaSource = () => new LogBundleMeta(_deviceId, "IMGA", eveVersion),
            MaxSegmentAge = segmentAge,
            TickPeriod = segmentAge < TimeSpan.FromSeconds(1) ? segmentAge : TimeSpan.FromSeconds(1),
            AppName = uuid => _appNames.GetValueOrDefault(uuid, uuid),
        };
        Writer = LogSegmentWriter.Open(options, time);
        Writer.Queue.QuotaBytes = QuotaBytesFor(null);
        _factory = new NLog.LogFactory();
        var config = new LoggingConfiguration(_factory);
        var rule = new LoggingRule("*", NLog.LogLevel.Info, NLog.LogLevel.Fatal, new EveLogTarget(Writer));
        _remote.Attach(_factory, rule);
        config.LoggingRules.Add(rule);
        _factory.Configuration = config;
        LoggerProvider = new SpoolLoggerProvider(new NLogLoggerProvider(new NLogProviderOptions { ShutdownOnDispose = false }, _factory));
    }

    public static AgentLogSpool Open(string persistDir, TimeSpan segmentAge, string? eveVersion = null, TimeProvider? time = null) =>
        new(persistDir, segmentAge, eveVersion ?? AgentVersion, time ?? TimeProvider.System);

    public static string AgentVersion => typeof(AgentLogSpool).Assembly.GetName().Version?.ToString() ?? "0.0.0";

    public ILoggerProvider LoggerProvider { get; }

    /// <summary>What the device keeps locally (the host's console and log file rules attach here, see
    /// Hosting/LoggingSetup): <c>debug.default.loglevel</c>, <c>agent.&lt;name&gt;.debug.loglevel</c>.</summary>
    public LogLevelGate LocalLevels { get; } = new(PartLogLevels.Info);

    /// <summary>What goes to the controller: <c>debug.default.remote.loglevel</c>, <c>agent.&lt;name&gt;.debug.remote.loglevel</c>.</summary>
    public PartLogLevels RemoteLevels => _remote.Levels;

    public LogSegmentWriter Writer { get; }

    public LogUploadQueue Queue => Writer.Queue;

    /// <summary>The device UUID for the chunks' FCOMMENT; empty until onboarding.</summary>
    public string DeviceId
    {
        get => _deviceId;
        set => _deviceId = value;
    }

    /// <summary>An app's console lines (from the apps subsystem) as that app's log stream.</summary>
    public void AppendAppLines(Guid app, string appName, IReadOnlyList<string> lines, DateTimeOffset at)
    {
        var uuid = app.ToString("D");
        _appNames[uuid] = appName;
        var timestamp = Timestamp.FromDateTimeOffset(at);
        foreach (var line in lines)
            Writer.AppendApp(new LogEntry { Severity = "info", Source = appName, Iid = uuid, Content = line, Timestamp = timestamp }, uuid);
    }

    /// <summary>Follows the config items that concern logging: what is kept locally, what goes to the
    /// controller, and the quota. Takes effect on the next log call; no restart.</summary>
    public void ApplyConfigItems(IReadOnlyDictionary<string, string> items)
    {
        _remote.Set(PartLogLevels.Remote(items));
        LocalLevels.Set(PartLogLevels.Local(items));
        Queue.QuotaBytes = QuotaBytesFor(items.TryGetValue(QuotaItem, out var mb) && int.TryParse(mb, out var m) && m > 0 ? m : null);
    }

    /// <summary>newlog.gzipfiles.ondisk.maxmegabytes (EVE default 2048), never more than 10 % of the
    /// partition holding /persist (EVE's cap), so logs cannot fill the disk the apps need.</summary>
    public long QuotaBytesFor(int? megabytes)
    {
        var wanted = (long)(megabytes ?? DefaultQuotaMegabytes) << 20;
        long partition;
        try
        {
            partition = new DriveInfo(Path.GetFullPath(_persistDir)).TotalSize;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return wanted;
        }
        return Math.Min(wanted, partition / 10);
    }

    public void Dispose()
    {
        _factory.Flush();
        _factory.Shutdown();
        Writer.Dispose();
    }

    /// <summary>Its own type, not NLogLoggerProvider itself: AddNLog() registers the host's provider with
    /// TryAddEnumerable, which would skip it (console and file output gone) if a provider of the
    /// same type were already there.</summary>
    private sealed class SpoolLoggerProvider(ILoggerProvider inner) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => inner.CreateLogger(categoryName);

        public void Dispose() => inner.Dispose();
    }
}
