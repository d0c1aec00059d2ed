using Eve.Appliance.Store;
using Google.Protobuf;
using Org.Lfedge.Eve.Info;
using Org.Lfedge.Eve.Logs;
using Org.Lfedge.Eve.Metrics;

namespace Eve.Appliance.Controller.Telemetry;

/// <summary>
/// Stores what devices report: latest info per object plus its last changes, metrics messages and
/// their tiered numeric series, and log lines, all with per-device caps (SCHEMA.md).
/// Each call commits before returning, so a 201 means the data is in the store.
/// </summary>
internal sealed class TelemetryIngest(ControllerStore store, TimeProvider time)
{
    private readonly Lock _capLock = new();

    public TelemetryIngest(ControllerStore store) : this(store, TimeProvider.System) { }

    public MetricSeries Series { get; } = new(store, time);

    public void Info(string deviceId, ZInfoMsg info)
    {
        var (kind, objectId) = InfoKey.Of(info);
        var id = $"{deviceId}/{kind}/{objectId}";
        var now = time.GetUtcNow().UtcDateTime;
        var bytes = info.ToByteArray();
        var previous = store.Info.FindById(id);
        store.Info.Upsert(new InfoDoc { Id = id, DeviceId = deviceId, Kind = kind, ObjectId = objectId, Message = bytes, ReceivedAt = now });
        if (previous != null && SameContent(previous.Message, info)) return;
        store.InfoHistory.Insert(new InfoHistoryDoc { Key = id, DeviceId = deviceId, Kind = kind, ObjectId = objectId, Message = bytes, ReceivedAt = now });
        var excess = store.InfoHistory.Count(h => h.Key == id) - store.Limits.InfoHistoryPerObject;
        if (excess > 0)
        {
            foreach (var old in store.InfoHistory.Query().Where(h => h.Key == id).OrderBy(h => h.Id).Limit(excess).ToList())
                store.InfoHistory.Delete(old.Id);
        }
    }

    public void Other(string deviceId, string kind, IMessage message) =>
        store.Info.Upsert(new InfoDoc
        {
            Id = $"{deviceId}/{kind}/",
            DeviceId = deviceId,
            Kind = kind,
            Message = message.ToByteArray(),
            ReceivedAt = time.GetUtcNow().UtcDateTime,
        });

    /// <summary>Flow records per device and app (the message's scope): the newest
    /// <see cref="FlowRecordsPerScope"/> of them, merged into one stored FlowMessage, oldest first.</summary>
    public void FlowLog(string deviceId, Org.Lfedge.Eve.Flowlog.FlowMessage message)
    {
        var scope = message.Scope?.Uuid ?? "";
        var id = $"{deviceId}/flowlog/{scope}";
        var kept = store.Info.FindById(id) is { } previous ? Org.Lfedge.Eve.Flowlog.FlowMessage.Parser.ParseFrom(previous.Message) : new();
        kept.DevId = message.DevId;
        kept.Scope = message.Scope;
        kept.Flows.AddRange(message.Flows);
        if (kept.Flows.Count > FlowRecordsPerScope)
        {
            var newest = kept.Flows.Skip(kept.Flows.Count - FlowRecordsPerScope).ToList();
            kept.Flows.Clear();
            kept.Flows.AddRange(newest);
        }
        store.Info.Upsert(new InfoDoc { Id = id, DeviceId = deviceId, Kind = "flowlog", ObjectId = scope, Message = kept.ToByteArray(), ReceivedAt = time.GetUtcNow().UtcDateTime });
    }

    public const int FlowRecordsPerScope = 200;

    public void Metrics(string deviceId, ZMetricMsg metrics)
    {
        var at = metrics.AtTimeStamp?.ToDateTime() ?? time.GetUtcNow().UtcDateTime;
        store.Metrics.Insert(new MetricDoc { DeviceId = deviceId, At = at, Message = metrics.ToByteArray() });
        Cap(store.Metrics, m => m.DeviceId == deviceId, store.Limits.MetricsPerDevice);
        Series.Add(deviceId, at, MetricValues.Of(metrics));
    }

    public void Logs(string deviceId, string appId, IReadOnlyList<LogEntry> entries)
    {
        if (entries.Count == 0) return;
        var now = time.GetUtcNow().UtcDateTime;
        var docs = entries.Select(e => new LogDoc
        {
            DeviceId = deviceId,
            AppId = appId,
            At = e.Timestamp?.ToDateTime() ?? now,
            Severity = e.Severity,
            Source = e.Source,
            Content = e.Content,
            MsgId = e.Msgid,
        });
        store.Logs.InsertBulk(docs);
        Cap(store.Logs, l => l.DeviceId == deviceId, store.Limits.LogLinesPerDevice);
    }

    public IEnumerable<InfoDoc> InfoOf(string deviceId) => store.Info.Find(i => i.DeviceId == deviceId).OrderBy(i => i.Id);

    /// <summary>Every kept version of every info object of a device, newest first per object.</summary>
    public IEnumerable<InfoHistoryDoc> InfoHistoryOf(string deviceId) =>
        store.InfoHistory.Find(h => h.DeviceId == deviceId).OrderBy(h => h.Key, StringComparer.Ordinal).ThenByDescending(h => h.Id);

    public IEnumerable<MetricDoc> MetricsOf(string deviceId, int last) =>
        store.Metrics.Query().Where(m => m.DeviceId == deviceId).OrderByDescending(m => m.Id).Limit(last).ToList().AsEnumerable().Reverse();

    public IEnumerable<LogDoc> LogsOf(string deviceId, long afterId, int limit) => LogsOf(deviceId, new LogQuery(After: afterId, Limit: limit));

    /// <summary>The device index narrows to at most LogLinesPerDevice lines; the other filters are
    /// applied while streaming them in id order, stopping at the limit.</summary>
    public IReadOnlyList<LogDoc> LogsOf(string deviceId, LogQuery query)
    {
        var after = query.After;
        return store.Logs.Query().Where(l => l.DeviceId == deviceId && l.Id > after).OrderBy(l => l.Id)
            .ToEnumerable().Where(query.Matches).Take(query.Limit).ToList();
    }

    public void Forget(string deviceId)
    {
        store.Info.DeleteMany(i => i.DeviceId == deviceId);
        store.InfoHistory.DeleteMany(h => h.DeviceId == deviceId);
        store.Metrics.DeleteMany(m => m.DeviceId == deviceId);
        store.Logs.DeleteMany(l => l.DeviceId == deviceId);
        Series.Forget(deviceId);
    }

    /// <summary>Same info apart from its timestamp: a periodic re-send is not a change.</summary>
    private static bool SameContent(byte[] previous, ZInfoMsg current)
    {
        ZInfoMsg old;
        try
        {
            old = ZInfoMsg.Parser.ParseFrom(previous);
        }
        catch (InvalidProtocolBufferException)
        {
            return false;
        }
        var now = current.Clone();
        old.AtTimeStamp = null;
        now.AtTimeStamp = null;
        return old.Equals(now);
    }

    /// <summary>Deletes a device's oldest documents once it is over its cap (with 10 % slack so the
    /// delete runs in batches, not on every insert).</summary>
    private void Cap<T>(LiteDB.ILiteCollection<T> collection, System.Linq.Expressions.Expression<Func<T, bool>> ofDevice, int cap)
    {
        var count = collection.Count(ofDevice);
        if (count <= cap + cap / 10) return;
        lock (_capLock)
        {
            var excess = collection.Count(ofDevice) - cap;
            if (excess <= 0) return;
            var oldest = new List<LiteDB.BsonValue>();
            foreach (var doc in collection.Query().Where(ofDevice).OrderBy("_id").Limit(excess).ToDocuments())
                oldest.Add(doc["_id"]);
            foreach (var id in oldest) collection.Delete(id);
        }
    }
}
