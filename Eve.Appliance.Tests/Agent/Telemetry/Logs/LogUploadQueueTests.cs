using Eve.Appliance.Agent.Telemetry.Logs;
using static Eve.Appliance.Tests.Agent.Telemetry.Logs.SpoolFixture;

namespace Eve.Appliance.Tests.Agent.Telemetry.Logs;

[TestFixture]
public sealed class LogUploadQueueTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = NewDir();

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    /// <summary>Five chunks of one segment each, ~2 KB apiece (random content barely compresses).</summary>
    private static void WriteFiveChunks(LogSegmentWriter writer, FakeClock clock, int from = 0)
    {
        var random = new Random(from + 1);
        for (var i = from; i < from + 5; i++)
        {
            writer.Append(Entry(i, Convert.ToBase64String(Enumerable.Range(0, 1500).Select(_ => (byte)random.Next(256)).ToArray())));
            clock.Advance(TimeSpan.FromMinutes(5));
            writer.Tick();
        }
    }

    [Test]
    public void ListPending_IsOldestFirstAndMarkSentMovesToSent()
    {
        var clock = new FakeClock();
        using var writer = LogSegmentWriter.Open(Options(_dir), clock);
        WriteFiveChunks(writer, clock);
        var pending = writer.Queue.ListPending();
        Assert.That(pending, Has.Count.EqualTo(5));
        Assert.That(pending.Select(c => c.Id), Is.Ordered);
        writer.Queue.MarkSent(pending[0]);
        Assert.That(writer.Queue.ListPending().Select(c => c.Id), Is.EqualTo(pending.Skip(1).Select(c => c.Id)));
        Assert.That(writer.Queue.ListSent().Single().Id, Is.EqualTo(pending[0].Id));
        Assert.That(writer.Queue.WasSent(pending[0].Id), Is.True);
    }

    [Test]
    public void MarkSent_WithoutKeepSent_DeletesAndStillRemembersTheId()
    {
        var clock = new FakeClock();
        var options = Options(_dir) with { KeepSent = false };
        LogChunk first;
        using (var writer = LogSegmentWriter.Open(options, clock))
        {
            WriteFiveChunks(writer, clock);
            first = writer.Queue.ListPending()[0];
            writer.Queue.MarkSent(first);
            Assert.That(writer.Queue.ListSent(), Is.Empty);
            Assert.That(File.Exists(first.Path), Is.False);
        }
        var queue = new LogUploadQueue(options, clock);
        Assert.That(queue.WasSent(first.Id), Is.True);
        Assert.That(queue.Add(first.Id, first.Stream, [1, 2, 3]), Is.False, "a sent id is never queued again");
        // Numbering continues above everything ever seen, even with the sent chunk gone from disk.
        using var reopened = LogSegmentWriter.Open(options, clock);
        reopened.Append(Entry(99));
        reopened.Dispose();
        Assert.That(reopened.Queue.ListPending().Last().Id.Segment, Is.GreaterThan(first.Id.Segment + 4));
    }

    [Test]
    public void Quota_DropsOldestSentThenOldestUnsent_AndLogsAndCountsTheDrop()
    {
        var clock = new FakeClock();
        // Measure one chunk, then set the quota to hold about six of them.
        long chunkBytes;
        using (var probe = LogSegmentWriter.Open(Options(Path.Combine(_dir, "probe")), clock))
        {
            WriteFiveChunks(probe, clock);
            chunkBytes = probe.Queue.ListPending().Max(c => c.Bytes);
        }
        var options = Options(Path.Combine(_dir, "spool")) with { QuotaBytes = chunkBytes * 6 + chunkBytes / 2 };
        using var writer = LogSegmentWriter.Open(options, clock);
        WriteFiveChunks(writer, clock);
        var firstFive = writer.Queue.ListPending();
        writer.Queue.MarkSent(firstFive[0]);
        writer.Queue.MarkSent(firstFive[1]);
        Assert.That(writer.Queue.DroppedSentChunks + writer.Queue.DroppedUnsentChunks, Is.Zero);

        WriteFiveChunks(writer, clock, from: 5); // 10 chunks now: over the quota by about four
        var sent = writer.Queue.ListSent();
        var pending = writer.Queue.ListPending();
        Assert.That(sent, Is.Empty, "both sent chunks went first");
        Assert.That(writer.Queue.DroppedSentChunks, Is.EqualTo(2));
        Assert.That(writer.Queue.DroppedUnsentChunks, Is.GreaterThanOrEqualTo(1));
        Assert.That(pending.Select(c => c.Id), Has.None.EqualTo(firstFive[2].Id), "then the oldest unsent one");
        Assert.That(pending.Sum(c => c.Bytes), Is.LessThanOrEqualTo(options.QuotaBytes));
        Assert.That(writer.Queue.DroppedUnsentBytes, Is.GreaterThan(0));

        // The drop is itself a log line in the device stream, naming what was lost.
        writer.Dispose();
        var notices = Chunks(writer.Queue).SelectMany(c => c.Payload.Entries).Where(e => e.Source == "newlogd").ToList();
        Assert.That(notices, Is.Not.Empty);
        Assert.That(notices.Sum(n => long.Parse(n.Tags["dropped_sent_chunks"])), Is.EqualTo(2));
        var lost = notices.First(n => n.Content.Contains(firstFive[2].Id.ToString()));
        Assert.That(lost.Severity, Is.EqualTo("warning"));
        Assert.That(lost.Content, Does.Contain("never uploaded"));
    }

    [Test]
    public void Quota_DropDuringSizeRotation_LeavesNoSegmentBehind()
    {
        // Every size rotation packs a chunk that breaks the tiny quota, so each close logs a drop notice
        // into a fresh device segment while the line that caused the rotation is still on its way in.
        var options = Options(_dir) with { MaxSegmentBytes = 4096, QuotaBytes = 2048 };
        var random = new Random(5);
        using (var writer = LogSegmentWriter.Open(options, new FakeClock()))
        {
            for (var i = 0; i < 400; i++)
                writer.Append(Entry(i, Convert.ToBase64String(Enumerable.Range(0, 300).Select(_ => (byte)random.Next(256)).ToArray())));
            Assert.That(writer.Queue.DroppedUnsentChunks, Is.GreaterThan(10));
        }
        Assert.That(Directory.GetFiles(Path.Combine(_dir, "segments")), Is.Empty, "every segment was closed and packed");
        var queue = new LogUploadQueue(options, new FakeClock());
        Assert.That(queue.ListPending().Sum(c => c.Bytes), Is.LessThanOrEqualTo(options.QuotaBytes), "every pack ends with the quota enforced");
    }
}
