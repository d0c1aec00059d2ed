using NLog;
using NLog.Config;
using NLog.Filters;

namespace Eve.Appliance.Agent.Telemetry.Logs;

/// <summary>One destination's log levels, applied to the NLog rules that feed it, changeable while the
/// appliance runs (config items arrive with every config). Each attached rule gets a filter asking
/// <see cref="PartLogLevels.Allows"/> per event, and its minimum follows the lowest level any part
/// wants, so loggers that nobody listens to at debug report IsEnabled false (no formatting cost).</summary>
internal sealed class LogLevelGate(PartLogLevels initial)
{
    private readonly Lock _lock = new();
    private readonly List<(LogFactory Factory, LoggingRule Rule)> _rules = [];
    private volatile PartLogLevels _levels = initial;

    public PartLogLevels Levels => _levels;

    /// <summary>Puts <paramref name="rule"/> (already part of <paramref name="factory"/>'s configuration,
    /// or about to be) under this gate.</summary>
    public void Attach(LogFactory factory, LoggingRule rule)
    {
        rule.FilterDefaultAction = FilterResult.Log;
        rule.Filters.Add(new WhenMethodFilter(e => _levels.Allows(e.LoggerName, e.Level.Ordinal) ? FilterResult.Neutral : FilterResult.Ignore));
        lock (_lock)
        {
            rule.SetLoggingLevels(LogLevel.FromOrdinal(_levels.Minimum), LogLevel.Fatal);
            _rules.Add((factory, rule));
        }
    }

    public void Set(PartLogLevels levels)
    {
        lock (_lock)
        {
            var oldMinimum = _levels.Minimum;
            _levels = levels;
            if (oldMinimum == levels.Minimum) return;
            foreach (var (_, rule) in _rules) rule.SetLoggingLevels(LogLevel.FromOrdinal(levels.Minimum), LogLevel.Fatal);
            foreach (var factory in _rules.Select(r => r.Factory).Distinct()) factory.ReconfigExistingLoggers();
        }
    }
}
