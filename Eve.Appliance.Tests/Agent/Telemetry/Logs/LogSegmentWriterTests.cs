using Eve.Appliance.Agent.Telemetry.Logs;
using Eve.Appliance.Api.NewLogs;
using static Eve.Appliance.Tests.Agent.Telemetry.Logs.SpoolFixture;

namespace Eve.Appliance.Tests.Agent.Telemetry.Logs;

[TestFixture]
public sealed class LogSegmentWriterTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = NewDir();

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string[] Segments(string ext) => Directory.GetFiles(Path.Combine(_dir, "segments"), "*" + ext);

    [Test]
    public void Rotation_BySize_ClosesAtMaxSegmentBytesAndPacksEveryLineOnce()
    {
        var clock = new FakeClock();
        var options = Options(_dir) with { MaxSegmentBytes = 16 * 1024 };
        var expected = new List<string>();
        using (var writer = LogSegmentWriter.Open(options, clock))
        {
            for (var i = 0; i < 1000; i++)
            {
                var e = Entry(i);
                writer.Append(e);
                expected.Add(e.Content);
            }
            Assert.That(writer.SegmentsClosed, Is.GreaterThanOrEqualTo(1000 * 100 / (16 * 1024)));
            Assert.That(Segments(".open"), Has.Length.EqualTo(1));
            Assert.That(Segments(".closed"), Is.Empty, "closed segments are packed and removed at once");
            // Every chunk came from a segment of ≤ 16 KB of lines.
            foreach (var (_, payload) in Chunks(writer.Queue))
                Assert.That(NewLogsCodec.RenderLines(payload.Entries).WrittenCount, Is.LessThanOrEqualTo(16 * 1024));
        }
        using var reopened = LogSegmentWriter.Open(options, clock);
        Assert.That(Contents(reopened.Queue), Is.EqualTo(expected));
        Assert.That(Chunks(reopened.Queue).All(c => c.Payload.Meta == Meta), Is.True);
    }

    [Test]
    public void Rotation_ByTime_OnTickAndOnAppend()
    {
        var clock = new FakeClock();
        using var writer = LogSegmentWriter.Open(Options(_dir), clock);
        writer.Append(Entry(1));
        clock.Advance(TimeSpan.FromMinutes(4));
        writer.Tick();
        Assert.That(writer.SegmentsClosed, Is.Zero, "4 minutes is under the 5-minute age");
        clock.Advance(TimeSpan.FromMinutes(1));
        writer.Tick();
        Assert.That(writer.SegmentsClosed, Is.EqualTo(1));
        Assert.That(Contents(writer.Queue), Is.EqualTo(new[] { Entry(1).Content }));
        writer.Append(Entry(2));
        clock.Advance(TimeSpan.FromMinutes(6));
        writer.Append(Entry(3)); // the aged segment closes before this line goes in
        Assert.That(writer.SegmentsClosed, Is.EqualTo(2));
        Assert.That(Contents(writer.Queue), Is.EqualTo(new[] { Entry(1).Content, Entry(2).Content }));
    }

    [Test]
    public void Chunks_AreAtMost50KbCompressed_EvenForIncompressibleLines()
    {
        var random = new Random(7);
        var expected = new List<string>();
        LogUploadQueue queue;
        using (var writer = LogSegmentWriter.Open(Options(_dir), new FakeClock()))
        {
            for (var i = 0; i < 3000; i++)
            {
                // Base64 of random bytes compresses to ~75 %: a 400 KB segment needs several chunks.
                var content = Convert.ToBase64String(Enumerable.Range(0, 300).Select(_ => (byte)random.Next(256)).ToArray());
                writer.Append(Entry(i, content));
                expected.Add(content);
            }
            queue = writer.Queue;
        }
        var chunks = Chunks(queue);
        Assert.That(chunks.Count, Is.GreaterThan(10));
        Assert.That(chunks.Select(c => c.Chunk.Bytes), Is.All.LessThanOrEqualTo(50 * 1024));
        Assert.That(chunks.Skip(1).SkipLast(1).Average(c => c.Chunk.Bytes), Is.GreaterThan(30 * 1024), "chunks are reasonably full");
        Assert.That(chunks.SelectMany(c => c.Payload.Entries).Select(e => e.Content), Is.EqualTo(expected));
        Assert.That(chunks.Select(c => c.Chunk.Id), Is.Ordered.And.Unique);
    }

    [Test]
    public void Chunks_CarryTheirIdInFextraAndMsgidsIncrease()
    {
        using var writer = LogSegmentWriter.Open(Options(_dir), new FakeClock());
        for (var i = 0; i < 10; i++) writer.Append(Entry(i));
        writer.Dispose();
        var (chunk, payload) = Chunks(writer.Queue).Single();
        Assert.That(NewLogsChunkTag.FromExtra(payload.Header.Extra), Is.EqualTo(new NewLogsChunkTag(writer.SpoolId, chunk.Id.Value)));
        Assert.That(payload.Entries.Select(e => e.Msgid), Is.Ordered.Ascending.And.Unique);
        Assert.That(payload.Entries.Select(e => e.Msgid), Is.All.GreaterThan(0UL));
    }

    [Test]
    public void ConcurrentAppends_FromManyThreads_AllArriveOnceInPerThreadOrder()
    {
        var options = Options(_dir) with { MaxSegmentBytes = 32 * 1024 };
        using (var writer = LogSegmentWriter.Open(options, new FakeClock()))
        {
            Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
            {
                for (var i = 0; i < 2000; i++) writer.Append(Entry(i, $"t{t}-{i}"));
            });
        }
        var got = Contents(new LogUploadQueue(options, new FakeClock()));
        Assert.That(got, Has.Count.EqualTo(8000).And.Unique);
        for (var t = 0; t < 4; t++)
        {
            var prefix = $"t{t}-";
            Assert.That(got.Where(c => c.StartsWith(prefix)).Select(c => int.Parse(c[prefix.Length..])), Is.EqualTo(Enumerable.Range(0, 2000)));
        }
    }

    [Test]
    public void LongLine_IsCutToMaxLineBytesAndMarked()
    {
        using var writer = LogSegmentWriter.Open(Options(_dir) with { MaxLineBytes = 4096 }, new FakeClock());
        writer.Append(Entry(1, new string('<', 10_000))); // each '<' is 6 bytes escaped
        writer.Dispose();
        var entry = Chunks(writer.Queue).Single().Payload.Entries.Single();
        Assert.That(LogEntryJson.ToBytes(entry).Length + 1, Is.LessThanOrEqualTo(4096));
        Assert.That(entry.Content, Does.EndWith(" chars]").And.Contain("…[truncated "));
        Assert.That(writer.LinesTruncated, Is.EqualTo(1));
    }

    [Test]
    public void AppStream_GoesToItsOwnChunksWithTheAppNameInFname()
    {
        const string app = "a1b2c3d4-0001-4a5b-8c9d-0123456789ab";
        var options = Options(_dir) with { AppName = uuid => uuid == app ? "nginx-web" : "?" };
        using (var writer = LogSegmentWriter.Open(options, new FakeClock()))
        {
            writer.Append(Entry(1));
            writer.AppendApp(Entry(2), app);
        }
        var chunks = Chunks(new LogUploadQueue(options, new FakeClock()));
        var appChunk = chunks.Single(c => c.Chunk.AppUuid == app);
        Assert.That(appChunk.Payload.AppName, Is.EqualTo("nginx-web"));
        Assert.That(appChunk.Payload.Header.Comment, Is.Null);
        Assert.That(appChunk.Payload.Entries.Single().Content, Is.EqualTo(Entry(2).Content));
        var devChunk = chunks.Single(c => c.Chunk.AppUuid == null);
        Assert.That(devChunk.Payload.Meta, Is.EqualTo(Meta));
    }
}
