using System.Collections.Concurrent;
using Eve.Appliance.Store;
using LiteDB;

namespace Eve.Appliance.Controller.Telemetry;

/// <summary>
/// Tiered numeric series per device: every sample goes to the raw tier and is folded into its
/// minute and hour buckets on ingest (sums and counts, so no later pass re-reads raw points).
/// Expiry by each tier's window runs every <see cref="StoreLimits.PruneEvery"/> samples per device;
/// the raw tier also has a count cap for devices that report faster than the default interval.
/// Time comes from <see cref="TimeProvider"/>, so tests drive a week in milliseconds.
/// </summary>
internal sealed class MetricSeries(ControllerStore store, TimeProvider time)
{
    public const string Raw = "raw", Minute = "minute", Hour = "hour";

    private readonly Lock _merge = new();
    private readonly ConcurrentDictionary<string, int> _sincePrune = new(StringComparer.Ordinal);

    public void Add(string deviceId, DateTime at, IReadOnlyDictionary<string, double> values)
    {
        if (values.Count == 0) return;
        var limits = store.Limits;
        var now = time.GetUtcNow().UtcDateTime;
        at = at.ToUniversalTime();
        if (at > now) at = now; // a device clock ahead of ours must not make points that never expire
        lock (_merge)
        {
            if (at >= now - limits.RawWindow) Merge(deviceId, Raw, at, values);
            if (at >= now - limits.MinuteWindow) Merge(deviceId, Minute, Floor(at, TimeSpan.TicksPerMinute), values);
            if (at >= now - limits.HourWindow) Merge(deviceId, Hour, Floor(at, TimeSpan.TicksPerHour), values);
        }
        if (_sincePrune.AddOrUpdate(deviceId, 1, (_, n) => n + 1) < limits.PruneEvery) return;
        _sincePrune[deviceId] = 0;
        Prune(deviceId, now);
    }

    /// <summary>Points of one tier from <paramref name="since"/> on, oldest first.</summary>
    public IReadOnlyList<MetricPointDoc> Points(string deviceId, string tier, DateTime since, int limit) =>
        store.MetricPoints.Query()
            .Where("_id >= @0 AND _id <= @1", Key(deviceId, tier, since), Key(deviceId, tier, DateTime.MaxValue))
            .OrderBy("_id").Limit(limit).ToList();

    public MetricPointDoc? Latest(string deviceId) =>
        store.MetricPoints.Query()
            .Where("_id >= @0 AND _id <= @1", Key(deviceId, Raw, DateTime.MinValue), Key(deviceId, Raw, DateTime.MaxValue))
            .OrderByDescending("_id").Limit(1).FirstOrDefault();

    public int Count(string deviceId, string tier) =>
        store.MetricPoints.Count("_id >= @0 AND _id <= @1", Key(deviceId, tier, DateTime.MinValue), Key(deviceId, tier, DateTime.MaxValue));

    /// <summary>The finest tier that still covers <paramref name="since"/>.</summary>
    public string TierFor(DateTime since)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (since >= now - store.Limits.RawWindow) return Raw;
        return since >= now - store.Limits.MinuteWindow ? Minute : Hour;
    }

    public void Forget(string deviceId) =>
        store.MetricPoints.DeleteMany("_id >= @0 AND _id < @1", deviceId + "/", deviceId + "0");

    public void Prune(string deviceId, DateTime now)
    {
        var limits = store.Limits;
        foreach (var (tier, window) in new[] { (Raw, limits.RawWindow), (Minute, limits.MinuteWindow), (Hour, limits.HourWindow) })
            store.MetricPoints.DeleteMany("_id >= @0 AND _id < @1", Key(deviceId, tier, DateTime.MinValue), Key(deviceId, tier, now - window));
        var excess = Count(deviceId, Raw) - limits.RawPointsPerDevice;
        if (excess <= 0) return;
        var oldest = store.MetricPoints.Query()
            .Where("_id >= @0 AND _id <= @1", Key(deviceId, Raw, DateTime.MinValue), Key(deviceId, Raw, DateTime.MaxValue))
            .OrderBy("_id").Limit(excess).ToDocuments().Select(d => d["_id"]).ToList();
        foreach (var id in oldest) store.MetricPoints.Delete(id);
    }

    public static string Key(string deviceId, string tier, DateTime at) => $"{deviceId}/{tier}/{at.Ticks:D19}";

    private void Merge(string deviceId, string tier, DateTime bucket, IReadOnlyDictionary<string, double> values)
    {
        var id = Key(deviceId, tier, bucket);
        var doc = store.MetricPoints.FindById(id) ?? new MetricPointDoc { Id = id, DeviceId = deviceId, Tier = tier, At = bucket };
        foreach (var (name, value) in values)
        {
            var i = doc.Names.IndexOf(name);
            if (i < 0)
            {
                doc.Names.Add(name);
                doc.Sums.Add(value);
                doc.Counts.Add(1);
            }
            else
            {
                doc.Sums[i] += value;
                doc.Counts[i]++;
            }
        }
        doc.Count++;
        store.MetricPoints.Upsert(doc);
    }

    private static DateTime Floor(DateTime at, long ticks) => new(at.Ticks - at.Ticks % ticks, DateTimeKind.Utc);
}
