using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Eve.Appliance.Agent.Telemetry.Logs;

/// <summary>`run --log-drill RATE`: logs numbered lines ("log-drill RUN line N") at RATE lines per
/// second, for crash drills. The spool takes each line before the console prints it, so every
/// number a drill reads on stdout was accepted and must reach the controller exactly once, whatever
/// kills the process.</summary>
internal sealed partial class LogDrill(double linesPerSecond, ILogger log) : BackgroundService
{
    public string Run { get; } = Guid.NewGuid().ToString("N")[..8];

    public static LogDrill FromArg(string rate, ILoggerFactory loggers) =>
        double.TryParse(rate, System.Globalization.CultureInfo.InvariantCulture, out var r) && r > 0
            ? new LogDrill(r, loggers.CreateLogger("LogDrill"))
            : throw new Cli.UsageException($"--log-drill wants lines per second, got '{rate}'");

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        long line = 0;
        while (!ct.IsCancellationRequested)
        {
            var due = (long)(clock.Elapsed.TotalSeconds * linesPerSecond);
            while (line < due) Line(log, Run, ++line);
            await Task.Delay(10, ct).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 990, Level = LogLevel.Information, Message = "log-drill {Run} line {Line}")]
    private static partial void Line(ILogger logger, string run, long line);
}
