using Microsoft.Extensions.Logging;
using NLog;
using NLog.Config;
using NLog.Extensions.Logging;
using NLog.Targets;

namespace Eve.Appliance.Hosting;

/// <summary>
/// NLog is the sink for every part (Microsoft.Extensions.Logging is the API): a console line per
/// event and, with a data folder, a size-capped rolling file under DATA/logs.
/// </summary>
internal static class LoggingSetup
{
    /// <param name="spool">The device's log spool provider, if any: registered first, so a line is in the
    /// spool before the console shows it (what a crash drill reads from the console was accepted).</param>
    public static void Configure(ILoggingBuilder logging, string? logDir, bool console = true, Microsoft.Extensions.Logging.LogLevel min = Microsoft.Extensions.Logging.LogLevel.Information,
        ILoggerProvider? spool = null, Agent.Telemetry.Logs.LogLevelGate? localLevels = null)
    {
        var config = new LoggingConfiguration();
        var layout = "${date:format=HH\\:mm\\:ss.fff} ${level:uppercase=true:padding=-5} ${logger:shortName=true}: ${message}${onexception:inner= ${exception:format=ToString}}";
        var nlogMin = NLog.LogLevel.FromOrdinal((int)min);
        if (console)
        {
            var target = new ConsoleTarget("console") { Layout = layout, StdErr = false };
            var rule = new LoggingRule("*", nlogMin, NLog.LogLevel.Fatal, target);
            config.LoggingRules.Add(rule);
            localLevels?.Attach(LogManager.LogFactory, rule);
        }
        if (logDir != null)
        {
            var file = new FileTarget("file")
            {
                FileName = Path.Combine(logDir, "eve-appliance.log"),
                Layout = "${longdate} ${level:uppercase=true} ${logger}: ${message}${onexception:inner= ${exception:format=ToString}}",
                ArchiveAboveSize = 10 * 1024 * 1024,
                MaxArchiveFiles = 5,
                KeepFileOpen = true,
            };
            var rule = new LoggingRule("*", nlogMin, NLog.LogLevel.Fatal, file);
            config.LoggingRules.Add(rule);
            localLevels?.Attach(LogManager.LogFactory, rule);
        }
        // Kestrel's own chatter is noise for an operator; keep its warnings.
        config.LoggingRules.Insert(0, new LoggingRule("Microsoft.*", NLog.LogLevel.Trace, NLog.LogLevel.Info, new NullTarget()) { Final = true });
        LogManager.Configuration = config;
        logging.ClearProviders();
        // With config-driven levels (debug.default.loglevel and friends) NLog's rules decide, so every
        // level must reach them; Kestrel's debug chatter is still cut here, before it is formatted.
        logging.SetMinimumLevel(localLevels != null ? Microsoft.Extensions.Logging.LogLevel.Trace : min);
        if (localLevels != null) logging.AddFilter("Microsoft", Microsoft.Extensions.Logging.LogLevel.Information);
        if (spool != null) logging.AddProvider(spool);
        logging.AddNLog(config);
    }
}
