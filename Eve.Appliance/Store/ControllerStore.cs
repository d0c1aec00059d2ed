using LiteDB;

namespace Eve.Appliance.Store;

/// <summary>
/// The controller's LiteDB database. One instance per process; LiteDB is thread-safe inside it and
/// commits each write before returning, so an acknowledged write survives kill -9.
/// </summary>
public sealed class ControllerStore : IDisposable
{
    public const int SchemaVersion = 3;

    private readonly BsonMapper _mapper;
    private readonly Lock _mapLock = new();
    private readonly Lock _reopenGate = new();
    private LiteDatabase _db;
    private Collections _c;

    public ControllerStore(string dataDir, StoreLimits? limits = null)
    {
        Directory.CreateDirectory(dataDir);
        Path = System.IO.Path.Combine(dataDir, "controller.db");
        _mapper = NewMapper();
        _db = Open(Path, _mapper);
        Migrations.Apply(_db);
        Limits = limits ?? new StoreLimits();
        _c = new Collections(_db, ensureIndexes: true);
    }

    private static LiteDatabase Open(string path, BsonMapper mapper)
    {
        try
        {
            return new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct }, mapper);
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
                fresh = Open(Path, _mapper);
            }
            catch (IOException)
            {
                return false;
            }
            _c = new Collections(fresh, ensureIndexes: false);
            _db = fresh;
            return true;
        }
    }

    /// <summary>The core collections of one open database, swapped as a whole by <see cref="Reopen"/>.</summary>
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
            LogChunks = db.GetCollection<LogChunkDoc>("log_chunks");
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
        public ILiteCollection<LogChunkDoc> LogChunks { get; }
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
        mapper.ToDocument(new LogChunkDoc());
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
    public ILiteCollection<LogChunkDoc> LogChunks => _c.LogChunks;

    /// <summary>Runs <paramref name="work"/> as one LiteDB transaction (on this thread): all of its
    /// writes are committed together or, on an exception or a crash, none.</summary>
    public void InTransaction(Action work)
    {
        _db.BeginTrans();
        try
        {
            work();
            _db.Commit();
        }
        catch
        {
            _db.Rollback();
            throw;
        }
    }

    public int UserVersion => _db.UserVersion;

    /// <summary>A collection of a document type owned by another part (the object model, operators,
    /// audit). The type is mapped under a lock first, for the same reason as <see cref="NewMapper"/>.
    /// Owners keep the collection, so it follows <see cref="Reopen"/> by itself (cold paths only:
    /// every call goes through a proxy).</summary>
    public ILiteCollection<T> Collection<T>(string name) where T : new()
    {
        lock (_mapLock) _mapper.ToDocument(new T());
        return ReopeningCollection<T>.Create(() => _db, name);
    }

    /// <summary>Starts a transaction on the calling thread; false when one is already open on it (the
    /// caller then joins the outer one and must not commit). LiteDB transactions are per thread, so
    /// everything between here and <see cref="Commit"/> must run synchronously on this thread.</summary>
    public bool BeginTransaction() => _db.BeginTrans();

    public void Commit() => _db.Commit();

    public void Rollback() => _db.Rollback();

    /// <summary>A consistent copy of the store while it is in use (backup): the write-ahead log is
    /// moved into the data file, automatic checkpoints are held off so the data file does not
    /// change while it is read (new writes go to the log meanwhile), and the file is copied and
    /// fsynced.</summary>
    public void CopyTo(string target)
    {
        var size = _db.CheckpointSize;
        _db.CheckpointSize = 0;
        try
        {
            _db.Checkpoint();
            using var source = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new FileStream(target, FileMode.CreateNew, FileAccess.Write);
            source.CopyTo(copy);
            copy.Flush(flushToDisk: true);
        }
        finally
        {
            _db.CheckpointSize = size;
        }
    }

    public void Dispose() => _db.Dispose();
}
