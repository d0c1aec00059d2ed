using Eve.Appliance.Api.NewLogs;
using Eve.Appliance.Controller.Telemetry;
using Eve.Appliance.Store;
using Eve.Appliance.Tests.Support;
using Google.Protobuf.WellKnownTypes;
using Org.Lfedge.Eve.Logs;

namespace Eve.Appliance.Tests.Controller.Telemetry;

/// <summary>Newlogs chunks into a real LiteDB: exactly-once by chunk tag, and the per-device cap
/// with its running count.</summary>
[TestFixture]
public sealed class LogIngestTests
{
    private TempDir _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDir("ingest");

    [TearDown]
    public void TearDown() => _dir.Dispose();

    private static List<LogEntry> Lines(int from, int count) => Enumerable.Range(from, count).Select(i => new LogEntry
    {
        Severity = "info", Source = "test", Content = $"line {i}", Msgid = (ulong)i, Timestamp = Timestamp.FromDateTime(DateTime.UtcNow),
    }).ToList();

    /// <summary>A chunk as the device's spool packs it: FEXTRA carries spool id and chunk id.</summary>
    private static byte[] TaggedChunk(Guid spool, ulong chunkId, List<LogEntry> lines)
    {
        var header = NewLogsCodec.DeviceHeader(new LogBundleMeta("d", "IMGA", "1"), DateTimeOffset.UtcNow, System.IO.Compression.CompressionLevel.Fastest)
            with { Extra = new NewLogsChunkTag(spool, chunkId).ToExtra() };
        return GzipMember.Write(header, NewLogsCodec.RenderLines(lines).WrittenSpan, System.IO.Compression.CompressionLevel.Fastest);
    }

    [Test]
    public void ATaggedChunkSentTwice_IsStoredOnce_AndSurvivesAControllerRestart()
    {
        var spool = Guid.NewGuid();
        using (var store = new ControllerStore(_dir.Path))
        {
            var ingest = new TelemetryIngest(store);
            ingest.Logs("d", "", NewLogsDecoder.Decode(TaggedChunk(spool, 1, Lines(0, 10))));
            ingest.Logs("d", "", NewLogsDecoder.Decode(TaggedChunk(spool, 1, Lines(0, 10))));
            ingest.Logs("d", "", NewLogsDecoder.Decode(TaggedChunk(spool, 2, Lines(10, 10))));
            Assert.That(ingest.DuplicateChunks, Is.EqualTo(1));
        }
        using (var store = new ControllerStore(_dir.Path))
        {
            var ingest = new TelemetryIngest(store);
            ingest.Logs("d", "", NewLogsDecoder.Decode(TaggedChunk(spool, 2, Lines(10, 10))));
            // Another device, or the same device's new spool, may use the same chunk number.
            ingest.Logs("e", "", NewLogsDecoder.Decode(TaggedChunk(spool, 2, Lines(10, 10))));
            ingest.Logs("d", "", NewLogsDecoder.Decode(TaggedChunk(Guid.NewGuid(), 2, Lines(20, 10))));
            Assert.That(ingest.DuplicateChunks, Is.EqualTo(1), "the mark was committed with the lines, so it outlives the process");
            var lines = ingest.LogsOf("d", new LogQuery(Limit: 100)).Select(l => l.Content).ToList();
            Assert.That(lines, Is.EqualTo(Lines(0, 30).Select(l => l.Content).ToList()));
            Assert.That(ingest.LogsOf("e", new LogQuery()), Has.Count.EqualTo(10));
        }
    }

    [Test]
    public void UntaggedChunks_AreStoredEachTime()
    {
        using var store = new ControllerStore(_dir.Path);
        var ingest = new TelemetryIngest(store);
        var gz = NewLogsCodec.EncodeDevice(new LogBundleMeta("d", "IMGA", "1"), Lines(0, 5), DateTimeOffset.UtcNow);
        ingest.Logs("d", "", NewLogsDecoder.Decode(gz));
        ingest.Logs("d", "", NewLogsDecoder.Decode(gz));
        Assert.That(ingest.LogsOf("d", new LogQuery()), Has.Count.EqualTo(10));
    }

    [Test]
    public void LogCap_HoldsUnderAFlood_WithoutCountingOnEveryInsert()
    {
        using var store = new ControllerStore(_dir.Path, new StoreLimits { LogLinesPerDevice = 1000 });
        var ingest = new TelemetryIngest(store);
        for (var i = 0; i < 400; i++) ingest.Logs("d", "", Lines(i * 25, 25)); // 10,000 lines
        ingest.Logs("other", "", Lines(0, 7));
        var kept = store.Logs.Count(l => l.DeviceId == "d");
        Assert.That(kept, Is.InRange(1000, 1100), "the cap plus at most 10 % slack");
        var newest = ingest.LogsOf("d", new LogQuery(Limit: 2000)).Select(l => l.MsgId).ToList();
        Assert.That(newest[^1], Is.EqualTo(9999UL), "the newest lines are the ones kept");
        Assert.That(newest, Is.Ordered);
        Assert.That(store.Logs.Count(l => l.DeviceId == "other"), Is.EqualTo(7));
        // One count at the device's first insert plus one per trim (every ~100 lines here), not 400.
        Assert.That(ingest.LogCapRecounts, Is.LessThan(120));
    }
}
