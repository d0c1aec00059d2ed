using System.Collections.Concurrent;

namespace Eve.Appliance.Controller;

/// <summary>Request and refusal counters per endpoint/status, shown by `ctl status` and metrics.</summary>
internal sealed class ControllerCounters(Store.StorageWatch storage)
{
    /// <summary>Whether the persist folder has run full, for status and for refusing writes well.</summary>
    public Store.StorageWatch Storage => storage;

    private readonly ConcurrentDictionary<string, long> _counts = new();

    public void Request(string endpoint) => _counts.AddOrUpdate($"requests.{endpoint}", 1, (_, v) => v + 1);

    public void Refused(int status) => _counts.AddOrUpdate($"refused.{status}", 1, (_, v) => v + 1);

    public IReadOnlyDictionary<string, long> Snapshot() => new SortedDictionary<string, long>(_counts);
}
