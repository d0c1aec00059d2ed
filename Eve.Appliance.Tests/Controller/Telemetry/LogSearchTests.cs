using Eve.Appliance.Controller.Telemetry;
using Eve.Appliance.Store;
using Eve.Appliance.Tests.Support;
using Google.Protobuf.WellKnownTypes;
using Org.Lfedge.Eve.Logs;

namespace Eve.Appliance.Tests.Controller.Telemetry;

[TestFixture]
public sealed class LogSearchTests
{
    private static readonly DateTime T0 = new(2026, 11, 28, 8, 0, 0, DateTimeKind.Utc);

    private static LogEntry Line(int i, string severity, string content) => new()
    {
        Severity = severity, Source = i % 2 == 0 ? "zedagent" : "nim", Content = content, Msgid = (ulong)i,
        Timestamp = Timestamp.FromDateTime(T0.AddMinutes(i)),
    };

    private TempDir _dir = null!;
    private ControllerStore _store = null!;
    private TelemetryIngest _ingest = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = new TempDir("logs");
        _store = new ControllerStore(_dir.Path);
        _ingest = new TelemetryIngest(_store);
        _ingest.Logs("d", "", [Line(0, "info", "boot ok"), Line(1, "warning", "port eth1 DOWN"), Line(2, "error", "config fetch failed"), Line(3, "debug", "tick")]);
        _ingest.Logs("d", "app-1", [Line(4, "info", "nginx started"), Line(5, "err", "nginx: bind failed")]);
        _ingest.Logs("other", "", [Line(6, "error", "config fetch failed elsewhere")]);
    }

    [TearDown]
    public void TearDown()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    private List<ulong> Find(LogQuery q) => _ingest.LogsOf("d", q).Select(l => l.MsgId).ToList();

    [Test]
    public void Level_MeansThatLevelAndMoreSevere_AcrossLogrusAndSyslogNames() =>
        Assert.That(Find(new LogQuery(Level: "warning")), Is.EqualTo(new ulong[] { 1, 2, 5 }));

    [Test]
    public void App_SelectsOneApp_OrTheDeviceItself()
    {
        Assert.That(Find(new LogQuery(App: "app-1")), Is.EqualTo(new ulong[] { 4, 5 }));
        Assert.That(Find(new LogQuery(App: "device")), Is.EqualTo(new ulong[] { 0, 1, 2, 3 }));
    }

    [Test]
    public void Since_Text_After_AndLimit_Combine()
    {
        Assert.That(Find(new LogQuery(Since: T0.AddMinutes(2))), Is.EqualTo(new ulong[] { 2, 3, 4, 5 }));
        Assert.That(Find(new LogQuery(Text: "FAILED")), Is.EqualTo(new ulong[] { 2, 5 }), "case-insensitive, one device only");
        var first = _ingest.LogsOf("d", new LogQuery(Limit: 2));
        Assert.That(first.Select(l => l.MsgId), Is.EqualTo(new ulong[] { 0, 1 }));
        Assert.That(Find(new LogQuery(After: first[^1].Id, Text: "nginx")), Is.EqualTo(new ulong[] { 4, 5 }));
    }
}
