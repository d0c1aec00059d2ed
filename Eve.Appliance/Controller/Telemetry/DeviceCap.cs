using System.Collections.Concurrent;
using System.Linq.Expressions;
using LiteDB;

namespace Eve.Appliance.Controller.Telemetry;

/// <summary>A per-device cap on one collection with a running count: each device's documents are
/// counted once (on its first insert since start), then the count follows the inserts, so the cap
/// costs no query per insert. Past the cap plus 10 % the oldest documents go in one batch and the
/// count is taken again from the store, which also corrects any drift from concurrent first inserts.</summary>
internal sealed class DeviceCap<T>(ILiteCollection<T> collection, Func<string, Expression<Func<T, bool>>> ofDevice, Func<int> cap)
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly Lock _trim = new();

    /// <summary>Store counts taken (first inserts and trims): what the running count saves.</summary>
    public long Recounts { get; private set; }

    /// <summary>Call after <paramref name="added"/> documents of the device were committed.</summary>
    public void Added(string deviceId, int added)
    {
        var count = _counts.AddOrUpdate(deviceId, d => Count(d), (_, c) => c + added);
        var limit = cap();
        if (count <= limit + limit / 10) return;
        lock (_trim)
        {
            var actual = Count(deviceId);
            var excess = actual - limit;
            if (excess > 0)
            {
                var oldest = collection.Query().Where(ofDevice(deviceId)).OrderBy("_id").Limit((int)Math.Min(excess, int.MaxValue))
                    .ToDocuments().Select(d => d["_id"]).ToList();
                foreach (var id in oldest) collection.Delete(id);
                actual -= oldest.Count;
            }
            _counts[deviceId] = actual;
        }
    }

    public void Forget(string deviceId) => _counts.TryRemove(deviceId, out _);

    private long Count(string deviceId)
    {
        Recounts++;
        return collection.LongCount(ofDevice(deviceId));
    }
}
