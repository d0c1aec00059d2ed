using System.Collections.Frozen;

namespace Eve.Appliance.Agent.Telemetry.Logs;

/// <summary>A log level per part of the appliance, from EVE's config items, for one destination:
/// <see cref="Local"/> (what the device keeps: console and log file) reads <c>debug.default.loglevel</c>
/// and <c>agent.&lt;name&gt;.debug.loglevel</c>; <see cref="Remote"/> (what goes to the controller) reads
/// <c>debug.default.remote.loglevel</c> and <c>agent.&lt;name&gt;.debug.remote.loglevel</c>. As in EVE's
/// agentlog, a part without its own item takes its destination's default, and the two destinations
/// do not borrow from each other. The part name is the logger category's first word, lower-cased
/// ("Config" → config, "ControllerConn.Tls" → controllerconn). Levels are logrus words (trace, debug,
/// info, warning, error, fatal, panic); unknown words are ignored. Immutable: replaced as a whole.</summary>
internal sealed class PartLogLevels
{
    public const string LocalDefaultKey = "debug.default.loglevel", RemoteDefaultKey = "debug.default.remote.loglevel";
    private const string LocalAgentSuffix = ".debug.loglevel", RemoteAgentSuffix = ".debug.remote.loglevel", AgentPrefix = "agent.";

    private readonly int _default;
    private readonly FrozenDictionary<string, int> _perAgent;

    private PartLogLevels(int @default, FrozenDictionary<string, int> perAgent)
    {
        _default = @default;
        _perAgent = perAgent;
        Minimum = perAgent.Count == 0 ? @default : Math.Min(@default, perAgent.Values.Min());
    }

    /// <summary>EVE's default for both destinations: info and above.</summary>
    public static PartLogLevels Info { get; } = new(2, FrozenDictionary<string, int>.Empty);

    /// <summary>The lowest level any part lets through: the NLog rule's minimum, so a debug call costs
    /// nothing while no part wants debug.</summary>
    public int Minimum { get; }

    public static PartLogLevels Local(IEnumerable<KeyValuePair<string, string>> items) => Parse(items, LocalDefaultKey, LocalAgentSuffix);

    public static PartLogLevels Remote(IEnumerable<KeyValuePair<string, string>> items) => Parse(items, RemoteDefaultKey, RemoteAgentSuffix);

    private static PartLogLevels Parse(IEnumerable<KeyValuePair<string, string>> items, string defaultKey, string agentSuffix)
    {
        var def = Info._default;
        var perAgent = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (key, value) in items)
        {
            if (Ordinal(value) is not { } level) continue;
            if (key == defaultKey) def = level;
            else if (key.Length > AgentPrefix.Length + agentSuffix.Length && key.StartsWith(AgentPrefix, StringComparison.Ordinal) && key.EndsWith(agentSuffix, StringComparison.Ordinal))
                perAgent[key[AgentPrefix.Length..^agentSuffix.Length].ToLowerInvariant()] = level;
        }
        return new PartLogLevels(def, perAgent.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>NLog ordinal of a logrus level word (trace 0 … fatal/panic 5); null when unknown.</summary>
    public static int? Ordinal(string level) => level.Trim().ToLowerInvariant() switch
    {
        "trace" => 0,
        "debug" => 1,
        "info" => 2,
        "warn" or "warning" => 3,
        "error" => 4,
        "fatal" or "panic" => 5,
        _ => null,
    };

    public bool Allows(string? loggerName, int ordinal) => ordinal >= LevelOf(loggerName);

    private int LevelOf(string? loggerName)
    {
        if (_perAgent.Count == 0 || string.IsNullOrEmpty(loggerName)) return _default;
        var end = loggerName.IndexOfAny(['.', ':']);
        var name = (end < 0 ? loggerName : loggerName[..end]).ToLowerInvariant();
        return _perAgent.TryGetValue(name, out var level) ? level : _default;
    }
}
