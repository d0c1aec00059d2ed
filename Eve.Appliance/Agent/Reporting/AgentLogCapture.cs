using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Org.Lfedge.Eve.Logs;

namespace Eve.Appliance.Agent.Reporting;

/// <summary>
/// An ILoggerProvider that hands the agent's own log lines to the log shipper, so they reach the
/// controller as newlogs. Bounded: under a flood the oldest unsent lines are dropped and counted.
/// </summary>
internal sealed class AgentLogCapture : ILoggerProvider
{
    private readonly Channel<LogEntry> _lines = Channel.CreateBounded<LogEntry>(new BoundedChannelOptions(10_000)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });
    private long _msgId;

    public LogLevel MinLevel { get; init; } = LogLevel.Information;
    public ChannelReader<LogEntry> Lines => _lines.Reader;

    public ILogger CreateLogger(string categoryName) => new CaptureLogger(this, categoryName);

    private void Write(string source, LogLevel level, string message)
    {
        var now = DateTimeOffset.UtcNow;
        _lines.Writer.TryWrite(new LogEntry
        {
            Severity = level switch
            {
                LogLevel.Critical => "crit",
                LogLevel.Error => "err",
                LogLevel.Warning => "warning",
                LogLevel.Information => "info",
                _ => "debug",
            },
            Source = source,
            Content = message,
            Msgid = (ulong)Interlocked.Increment(ref _msgId),
            Timestamp = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(now),
        });
    }

    public void Dispose() => _lines.Writer.TryComplete();

    private sealed class CaptureLogger(AgentLogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner.MinLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var text = formatter(state, exception);
            if (exception != null) text += ": " + exception.Message;
            owner.Write(category, logLevel, text);
        }
    }
}
