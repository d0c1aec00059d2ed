using LiteDB;

namespace Eve.Appliance.Store;

/// <summary>
/// The controller's LiteDB database. One instance per process; LiteDB is thread-safe inside it and
/// commits each write before returning, so an acknowledged write survives kill -9.
/// </summary>
public sealed class ControllerStore : IDisposable
{
    public const int SchemaVersion = 2;

    private readonly LiteDatabase _db;

    public ControllerStore(string dataDir, StoreLimits? limits = null)
    {
        Directory.CreateDirectory(dataDir);
        Path = System.IO.Path.Combine(dataDir, "controller.db");
        try
        {
            _db = new LiteDatabase(new ConnectionString { Filename = Path, Connection = ConnectionType.Direct }, NewMapper());
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

    public void Dispose() => _db.Dispose();
}
