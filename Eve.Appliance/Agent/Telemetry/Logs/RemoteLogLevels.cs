using System.Collections.Frozen;

namespace Eve.Appliance.Agent.Telemetry.Logs;

/// <summary>Which log events go to the controller, from EVE's config items:
/// <c>debug.default.remote.loglevel</c> for every part, <c>agent.&lt;name&gt;.debug.remote.loglevel</c>
/// (or <c>agent.&lt;name&gt;.debug.loglevel</c>) for one part, where name is the logger category's first
/// word, lower-cased ("Config" → config, "ControllerConn" → controllerconn). Levels are logrus words
/// (trace, debug, info, warning, error, fatal, panic). Events below the host's minimum (info) never
/// reach the spool, so these items can raise the bar, not lower it. Immutable: replaced as a whole.</summary>
internal sealed class RemoteLogLevels
{
    public const string DefaultKey = "debug.default.remote.loglevel";

    private readonly int _default;
    private readonly FrozenDictionary<string, int> _perAgent;

    private RemoteLogLevels(int @default, FrozenDictionary<string, int> perAgent)
    {
        _default = @default;
        _perAgent = perAgent;
    }

    public static RemoteLogLevels Default { get; } = new(2, FrozenDictionary<string, int>.Empty);

    /// <summary>From config items (key → value); unknown level words are ignored.</summary>
    public static RemoteLogLevels From(IEnumerable<KeyValuePair<string, string>> items)
    {
        var def = 2;
        var perAgent = new Dictionary<string, int>(StringComparer.Ordinal);
        var remoteSet = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in items)
        {
            if (Ordinal(value) is not { } level) continue;
            if (key == DefaultKey) def = level;
            else if (key.StartsWith("agent.", StringComparison.Ordinal) && key.EndsWith(".debug.remote.loglevel", StringComparison.Ordinal))
            {
                var name = key["agent.".Length..^".debug.remote.loglevel".Length];
                perAgent[name] = level;
                remoteSet.Add(name);
            }
            else if (key.StartsWith("agent.", StringComparison.Ordinal) && key.EndsWith(".debug.loglevel", StringComparison.Ordinal))
            {
                var name = key["agent.".Length..^".debug.loglevel".Length];
                if (!remoteSet.Contains(name)) perAgent[name] = level;
            }
        }
        return new RemoteLogLevels(def, perAgent.ToFrozenDictionary(StringComparer.Ordinal));
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
