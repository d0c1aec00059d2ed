using LiteDB;

namespace Eve.Appliance.Store;

/// <summary>
/// The controller's LiteDB database. One instance per process; LiteDB is thread-safe inside it and
/// commits each write before returning, so an acknowledged write survives kill -9.
/// </summary>
public sealed class ControllerStore : IDisposable
{
    public const int SchemaVersion = 3;

    private readonly LiteDatabase _db;
    private readonly BsonMapper _mapper;
    private readonly Lock _mapLock = new();

    public ControllerStore(string dataDir, StoreLimits? limits = null)
    {
        Directory.CreateDirectory(dataDir);
        Path = System.IO.Path.Combine(dataDir, "controller.db");
        try
        {
            _mapper = NewMapper();
            _db = new LiteDatabase(new ConnectionString { Filename = Path, Connection = ConnectionType.Direct }, _mapper);
        }
        catch (IOException e)
        {
            throw new IOException($"cannot open the controller store {Path}: {e.Message} (is another controller running on this data folder?)", e);
        }
        Migrations.Apply(_db);
        Limits = limits ?? new StoreLimits();
        Devices = _db.GetCollection<DeviceDoc>("devices");
        Devices.EnsureIndex(d => d.CertHashHex, unique: true);
        Onboarding = _db.GetCollection<OnboardDoc>("onboarding");
        Configs = _db.GetCollection<ConfigDoc>("configs");
        Info = _db.GetCollection<InfoDoc>("info");
        Info.EnsureIndex(i => i.DeviceId);
        Metrics = _db.GetCollection<MetricDoc>("metrics");
        Metrics.EnsureIndex(m => m.DeviceId);
        Logs = _db.GetCollection<LogDoc>("logs");
        Logs.EnsureIndex(l => l.DeviceId);
        InfoHistory = _db.GetCollection<InfoHistoryDoc>("info_history");
        MetricPoints = _db.GetCollection<MetricPointDoc>("metric_points");
        LogChunks = _db.GetCollection<LogChunkDoc>("log_chunks");
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
    public ILiteCollection<DeviceDoc> Devices { get; }
    public ILiteCollection<OnboardDoc> Onboarding { get; }
    public ILiteCollection<ConfigDoc> Configs { get; }
    public ILiteCollection<InfoDoc> Info { get; }
    public ILiteCollection<MetricDoc> Metrics { get; }
    public ILiteCollection<LogDoc> Logs { get; }
    public ILiteCollection<InfoHistoryDoc> InfoHistory { get; }
    public ILiteCollection<MetricPointDoc> MetricPoints { get; }
    public ILiteCollection<LogChunkDoc> LogChunks { get; }

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
    /// audit). The type is mapped under a lock first, for the same reason as <see cref="NewMapper"/>.</summary>
    public ILiteCollection<T> Collection<T>(string name) where T : new()
    {
        lock (_mapLock) _mapper.ToDocument(new T());
        return _db.GetCollection<T>(name);
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
