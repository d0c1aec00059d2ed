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
        ILoggerProvider? spool = null)
    {
        var config = new LoggingConfiguration();
        var layout = "${date:format=HH\\:mm\\:ss.fff} ${level:uppercase=true:padding=-5} ${logger:shortName=true}: ${message}${onexception:inner= ${exception:format=ToString}}";
        var nlogMin = NLog.LogLevel.FromOrdinal((int)min);
        if (console)
        {
            var target = new ConsoleTarget("console") { Layout = layout, StdErr = false };
            config.AddRule(nlogMin, NLog.LogLevel.Fatal, target);
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
            config.AddRule(nlogMin, NLog.LogLevel.Fatal, file);
        }
        // Kestrel's own chatter is noise for an operator; keep its warnings.
        config.LoggingRules.Insert(0, new LoggingRule("Microsoft.*", NLog.LogLevel.Trace, NLog.LogLevel.Info, new NullTarget()) { Final = true });
        LogManager.Configuration = config;
        logging.ClearProviders();
        logging.SetMinimumLevel(min);
        if (spool != null) logging.AddProvider(spool);
        logging.AddNLog(config);
    }
}
