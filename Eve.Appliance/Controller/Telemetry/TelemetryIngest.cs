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
    /// <summary>Chunk ids remembered per device: only the chunk in flight when a device crashed can
    /// come again, so a few suffice; 1,024 covers many app streams and retries.</summary>
    public const int ChunkIdsPerDevice = 1024;

    private readonly Lock _chunkLock = new();
    private readonly DeviceCap<LogDoc> _logCap = new(store.Logs, d => l => l.DeviceId == d, () => store.Limits.LogLinesPerDevice);
    private readonly DeviceCap<MetricDoc> _metricCap = new(store.Metrics, d => m => m.DeviceId == d, () => store.Limits.MetricsPerDevice);
    private readonly DeviceCap<LogChunkDoc> _chunkCap = new(store.LogChunks, d => c => c.DeviceId == d, () => ChunkIdsPerDevice);

    public TelemetryIngest(ControllerStore store) : this(store, TimeProvider.System) { }

    public MetricSeries Series { get; } = new(store, time);

    /// <summary>Tagged chunks that arrived again and were not stored twice.</summary>
    public long DuplicateChunks { get; private set; }

    /// <summary>Store counts the log cap took (first insert per device, trims); not one per insert.</summary>
    public long LogCapRecounts => _logCap.Recounts;

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
        _metricCap.Added(deviceId, 1);
        Series.Add(deviceId, at, MetricValues.Of(metrics));
        foreach (var (obj, values) in ObjectMetricValues.Of(metrics))
            Series.Add(ObjectMetricValues.SeriesKey(deviceId, obj), at, values);
    }

    /// <summary>Stores a newlogs chunk. A chunk tagged by the device's spool is stored once: its id
    /// is recorded in the same transaction as its lines, and a chunk seen before is acknowledged
    /// without storing it again (the device re-sends one after a crash before its bookkeeping).</summary>
    public void Logs(string deviceId, string appId, DecodedNewLogs chunk)
    {
        if (chunk.Tag is not { } tag)
        {
            Logs(deviceId, appId, chunk.Entries);
            return;
        }
        var id = $"{deviceId}/{tag.SpoolId:N}/{tag.ChunkId:D20}";
        lock (_chunkLock)
        {
            if (store.LogChunks.FindById(id) != null)
            {
                DuplicateChunks++;
                return;
            }
            store.InTransaction(() =>
            {
                if (chunk.Entries.Count > 0) store.Logs.InsertBulk(Docs(deviceId, appId, chunk.Entries));
                store.LogChunks.Insert(new LogChunkDoc { Id = id, DeviceId = deviceId, At = time.GetUtcNow().UtcDateTime });
            });
        }
        _chunkCap.Added(deviceId, 1);
        if (chunk.Entries.Count > 0) _logCap.Added(deviceId, chunk.Entries.Count);
    }

    public void Logs(string deviceId, string appId, IReadOnlyList<LogEntry> entries)
    {
        if (entries.Count == 0) return;
        store.Logs.InsertBulk(Docs(deviceId, appId, entries));
        _logCap.Added(deviceId, entries.Count);
    }

    private IEnumerable<LogDoc> Docs(string deviceId, string appId, IReadOnlyList<LogEntry> entries)
    {
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
        return docs;
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
        store.LogChunks.DeleteMany(c => c.DeviceId == deviceId);
        Series.Forget(deviceId);
        _logCap.Forget(deviceId);
        _metricCap.Forget(deviceId);
        _chunkCap.Forget(deviceId);
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
}
