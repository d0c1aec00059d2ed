using Eve.Appliance.Store;
using Google.Protobuf;
using Org.Lfedge.Eve.Info;
using Org.Lfedge.Eve.Logs;
using Org.Lfedge.Eve.Metrics;

namespace Eve.Appliance.Controller.Telemetry;

/// <summary>
/// Stores what devices report: latest info per object, metrics and log lines with per-device caps.
/// Each call commits before returning, so a 201 means the data is in the store.
/// </summary>
internal sealed class TelemetryIngest(ControllerStore store)
{
    private readonly Lock _capLock = new();

    public void Info(string deviceId, ZInfoMsg info)
    {
        var (kind, objectId) = InfoKey.Of(info);
        store.Info.Upsert(new InfoDoc
        {
            Id = $"{deviceId}/{kind}/{objectId}",
            DeviceId = deviceId,
            Kind = kind,
            ObjectId = objectId,
            Message = info.ToByteArray(),
            ReceivedAt = DateTime.UtcNow,
        });
    }

    public void Other(string deviceId, string kind, IMessage message) =>
        store.Info.Upsert(new InfoDoc
        {
            Id = $"{deviceId}/{kind}/",
            DeviceId = deviceId,
            Kind = kind,
            Message = message.ToByteArray(),
            ReceivedAt = DateTime.UtcNow,
        });

    public void Metrics(string deviceId, ZMetricMsg metrics)
    {
        store.Metrics.Insert(new MetricDoc
        {
            DeviceId = deviceId,
            At = metrics.AtTimeStamp?.ToDateTime() ?? DateTime.UtcNow,
            Message = metrics.ToByteArray(),
        });
        Cap(store.Metrics, m => m.DeviceId == deviceId, store.Limits.MetricsPerDevice, deviceId);
    }

    public void Logs(string deviceId, string appId, IReadOnlyList<LogEntry> entries)
    {
        if (entries.Count == 0) return;
        var docs = entries.Select(e => new LogDoc
        {
            DeviceId = deviceId,
            AppId = appId,
            At = e.Timestamp?.ToDateTime() ?? DateTime.UtcNow,
            Severity = e.Severity,
            Source = e.Source,
            Content = e.Content,
            MsgId = e.Msgid,
        });
        store.Logs.InsertBulk(docs);
        Cap(store.Logs, l => l.DeviceId == deviceId, store.Limits.LogLinesPerDevice, deviceId);
    }

    public IEnumerable<InfoDoc> InfoOf(string deviceId) => store.Info.Find(i => i.DeviceId == deviceId).OrderBy(i => i.Id);

    public IEnumerable<MetricDoc> MetricsOf(string deviceId, int last) =>
        store.Metrics.Query().Where(m => m.DeviceId == deviceId).OrderByDescending(m => m.Id).Limit(last).ToList().AsEnumerable().Reverse();

    public IEnumerable<LogDoc> LogsOf(string deviceId, long afterId, int limit) =>
        store.Logs.Query().Where(l => l.DeviceId == deviceId && l.Id > afterId).OrderBy(l => l.Id).Limit(limit).ToList();

    /// <summary>Deletes a device's oldest documents once it is over its cap (with 10 % slack so the
    /// delete runs in batches, not on every insert).</summary>
    private void Cap<T>(LiteDB.ILiteCollection<T> collection, System.Linq.Expressions.Expression<Func<T, bool>> ofDevice, int cap, string deviceId)
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
        _ = deviceId;
    }
}
