using LiteDB;

namespace Eve.Appliance.Store;

/// <summary>
/// The controller's LiteDB database. One instance per process; LiteDB is thread-safe inside it and
/// commits each write before returning, so an acknowledged write survives kill -9.
/// </summary>
public sealed class ControllerStore : IDisposable
{
    public const int SchemaVersion = 2;

    private readonly object _reopenGate = new();
    private LiteDatabase _db;
    private Collections _c;

    public ControllerStore(string dataDir, StoreLimits? limits = null)
    {
        Directory.CreateDirectory(dataDir);
        Path = System.IO.Path.Combine(dataDir, "controller.db");
        _db = Open(Path);
        Migrations.Apply(_db);
        Limits = limits ?? new StoreLimits();
        _c = new Collections(_db, ensureIndexes: true);
    }

    private static LiteDatabase Open(string path)
    {
        try
        {
            return new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct }, NewMapper());
        }
        catch (IOException e)
        {
            throw new IOException($"cannot open the controller store {path}: {e.Message} (is another controller running on this data folder, or is its disk full?)", e);
        }
    }

    /// <summary>
    /// LiteDB closes its engine for good after any I/O error (a full disk, say) and answers every
    /// later call with that error. What it had committed is safe in its files, so the way back is to
    /// open them again: LiteDB then replays its journal's committed transactions and drops the
    /// unfinished one. Returns false (and keeps the closed one) while the disk still refuses.
    /// </summary>
    public bool Reopen()
    {
        lock (_reopenGate)
        {
            LiteDatabase fresh;
            try
            {
                try { _db.Dispose(); }
                catch (Exception e) when (e is IOException or LiteException or ObjectDisposedException) { /* already closed by the fault */ }
                fresh = Open(Path);
            }
            catch (IOException)
            {
                return false;
            }
            _db = fresh;
            _c = new Collections(fresh, ensureIndexes: false);
            return true;
        }
    }

    /// <summary>The collections of one open database, swapped as a whole by <see cref="Reopen"/>.</summary>
    private sealed class Collections
    {
        public Collections(LiteDatabase db, bool ensureIndexes)
        {
            Devices = db.GetCollection<DeviceDoc>("devices");
            Onboarding = db.GetCollection<OnboardDoc>("onboarding");
            Configs = db.GetCollection<ConfigDoc>("configs");
            Info = db.GetCollection<InfoDoc>("info");
            Metrics = db.GetCollection<MetricDoc>("metrics");
            Logs = db.GetCollection<LogDoc>("logs");
            InfoHistory = db.GetCollection<InfoHistoryDoc>("info_history");
            MetricPoints = db.GetCollection<MetricPointDoc>("metric_points");
            if (!ensureIndexes) return;
            Devices.EnsureIndex(d => d.CertHashHex, unique: true);
            Info.EnsureIndex(i => i.DeviceId);
            Metrics.EnsureIndex(m => m.DeviceId);
            Logs.EnsureIndex(l => l.DeviceId);
        }

        public ILiteCollection<DeviceDoc> Devices { get; }
        public ILiteCollection<OnboardDoc> Onboarding { get; }
        public ILiteCollection<ConfigDoc> Configs { get; }
        public ILiteCollection<InfoDoc> Info { get; }
        public ILiteCollection<MetricDoc> Metrics { get; }
        public ILiteCollection<LogDoc> Logs { get; }
        public ILiteCollection<InfoHistoryDoc> InfoHistory { get; }
        public ILiteCollection<MetricPointDoc> MetricPoints { get; }
    }

    /// <summary>Our own mapper, with every document type mapped before the store is shared:
    /// LiteDB's global mapper builds type maps lazily and is not safe when several threads map a
    /// type for the first time at once ("Member … not found on BsonMapper").</summary>
    private static BsonMapper NewMapper()
    {
        var mapper = new BsonMapper();
        mapper.ToDocument(new DeviceDoc());
        mapper.ToDocument(new OnboardDoc());
        mapper.ToDocument(new ConfigDoc());
        mapper.ToDocument(new InfoDoc());
        mapper.ToDocument(new MetricDoc());
        mapper.ToDocument(new LogDoc());
        mapper.ToDocument(new InfoHistoryDoc());
        mapper.ToDocument(new MetricPointDoc());
        return mapper;
    }

    public string Path { get; }
    public StoreLimits Limits { get; }
    public ILiteCollection<DeviceDoc> Devices => _c.Devices;
    public ILiteCollection<OnboardDoc> Onboarding => _c.Onboarding;
    public ILiteCollection<ConfigDoc> Configs => _c.Configs;
    public ILiteCollection<InfoDoc> Info => _c.Info;
    public ILiteCollection<MetricDoc> Metrics => _c.Metrics;
    public ILiteCollection<LogDoc> Logs => _c.Logs;
    public ILiteCollection<InfoHistoryDoc> InfoHistory => _c.InfoHistory;
    public ILiteCollection<MetricPointDoc> MetricPoints => _c.MetricPoints;

    public int UserVersion => _db.UserVersion;

    public void Dispose() => _db.Dispose();
}
