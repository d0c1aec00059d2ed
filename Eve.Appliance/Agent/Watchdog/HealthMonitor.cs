using System.Diagnostics;

namespace Eve.Appliance.Agent.Watchdog;

/// <summary>Who is alive: every long-running part registers once and heartbeats from its loop.
/// The software watchdog reads it to find a hung part, and the base-OS test window reads it as the
/// "every subsystem heartbeating" gate. Time comes from <see cref="TimeProvider"/> so tests stall a
/// part by advancing a fake clock.</summary>
internal sealed class HealthMonitor(TimeProvider time, TimeSpan? defaultLimit = null)
{
    /// <summary>EVE's default: a part silent for 60 s is hung.</summary>
    public static readonly TimeSpan DefaultLimit = TimeSpan.FromSeconds(60);

    /// <summary>The limit of parts registered without one (tests shorten it).</summary>
    public TimeSpan Limit { get; } = defaultLimit ?? DefaultLimit;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Heartbeat> _parts = new(StringComparer.Ordinal);

    public TimeProvider Time => time;

    /// <summary>Registers <paramref name="name"/> (a second registration under the same name
    /// replaces the first, as a restarted loop does). The registration counts as a first beat.</summary>
    public Heartbeat Register(string name, TimeSpan? limit = null)
    {
        // The stack of the registration is all we can honestly keep about a part: .NET cannot
        // capture another running thread's stack from inside the process (no dotnet-stack here),
        // so the stall report names the part, its last beat and where it was started from.
        var beat = new Heartbeat(this, name, limit ?? Limit, new StackTrace(1, fNeedFileInfo: true).ToString(), time.GetUtcNow());
        lock (_lock) _parts[name] = beat;
        return beat;
    }

    internal void Remove(Heartbeat beat)
    {
        lock (_lock)
        {
            if (_parts.TryGetValue(beat.Name, out var current) && ReferenceEquals(current, beat)) _parts.Remove(beat.Name);
        }
    }

    /// <summary>Every registered part, with how long it has been silent.</summary>
    public IReadOnlyList<PartHealth> Snapshot()
    {
        var now = time.GetUtcNow();
        lock (_lock)
            return _parts.Values.OrderBy(p => p.Name, StringComparer.Ordinal)
                .Select(p => new PartHealth(p.Name, p.LastBeat, p.Limit, now - p.LastBeat, p.RegistrationStack, p.IsIdle))
                .ToList();
    }

    /// <summary>The parts silent past their limit (empty when all are alive).</summary>
    public IReadOnlyList<PartHealth> Stalled() => Snapshot().Where(p => p.Stalled).ToList();
}

/// <summary>One part's liveness at a moment.</summary>
internal sealed record PartHealth(string Name, DateTimeOffset LastBeat, TimeSpan Limit, TimeSpan Silent, string RegistrationStack, bool Idle = false)
{
    /// <summary>Busy (not waiting on purpose) and silent past its limit.</summary>
    public bool Stalled => !Idle && Silent > Limit;
}
