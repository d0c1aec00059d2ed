using Eve.Appliance.Agent.Telemetry.Logs;
using static Eve.Appliance.Tests.Agent.Telemetry.Logs.SpoolFixture;

namespace Eve.Appliance.Tests.Agent.Telemetry.Logs;

/// <summary>What a kill -9 can leave on disk, reproduced by copying the spool folder while the writer is
/// still open (the copy is what the next start finds), then damaging it the way a crash would.</summary>
[TestFixture]
public sealed class LogCrashSafetyTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = NewDir();

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void TornLastLine_AtEveryByteOffset_KeepsEveryCompleteLineExactlyOnce()
    {
        var live = Path.Combine(_dir, "live");
        var snapshot = Path.Combine(_dir, "snapshot");
        var clock = new FakeClock();
        var expected = new List<string>();
        using (var writer = LogSegmentWriter.Open(Options(live) with { MaxSegmentBytes = 4096 }, clock))
        {
            for (var i = 0; i < 60; i++) // a few closed segments plus an open one
            {
                writer.Append(Entry(i));
                expected.Add(Entry(i).Content);
            }
            writer.Flush();
            SnapshotWhileOpen(live, snapshot);
        }
        var open = Directory.GetFiles(Path.Combine(snapshot, "segments"), "*.open").Single();
        var bytes = File.ReadAllBytes(open);
        var lastLineStart = Array.LastIndexOf(bytes, (byte)'\n', bytes.Length - 2) + 1;
        var iterations = 0;
        for (var cut = lastLineStart; cut <= bytes.Length; cut++)
        {
            var trial = Path.Combine(_dir, $"trial-{cut}");
            SnapshotWhileOpen(snapshot, trial);
            File.WriteAllBytes(Path.Combine(trial, "segments", Path.GetFileName(open)), bytes[..cut]);
            LogSegmentWriter.Open(Options(trial) with { MaxSegmentBytes = 4096 }, clock).Dispose();
            var got = Contents(new LogUploadQueue(Options(trial), clock));
            var complete = cut == bytes.Length ? expected : expected.SkipLast(1).ToList();
            Assert.That(got, Is.EqualTo(complete), $"cut at byte {cut} of {bytes.Length}");
            Directory.Delete(trial, recursive: true);
            iterations++;
        }
        Assert.That(iterations, Is.GreaterThan(50), "every offset of the last record was tried");
    }

    [Test]
    public void CrashBetweenPackAndSegmentDelete_RepacksSameIds_SentChunksAreNotEmittedAgain()
    {
        var clock = new FakeClock();
        var options = Options(_dir);
        // Random content barely compresses, so the 1 MB segment needs several 50 KB chunks.
        var random = new Random(3);
        var expected = Enumerable.Range(0, 3000).Select(_ => Convert.ToBase64String(Enumerable.Range(0, 120).Select(_ => (byte)random.Next(256)).ToArray())).ToList();
        string segmentCopy;
        using (var writer = LogSegmentWriter.Open(options with { MaxSegmentBytes = 1 << 20 }, clock))
        {
            foreach (var i in Enumerable.Range(0, 3000)) writer.Append(Entry(i, expected[i]));
            writer.Flush();
            var open = Directory.GetFiles(Path.Combine(_dir, "segments"), "*.open").Single();
            segmentCopy = Path.Combine(_dir, "seg.copy");
            File.Copy(open, segmentCopy);
            writer.Dispose();
            var chunks = writer.Queue.ListPending();
            Assert.That(chunks.Count, Is.GreaterThanOrEqualTo(2), "needs a multi-chunk segment");
            writer.Queue.MarkSent(chunks[0]);
            // The crash: the segment file is back as if its deletion never reached the disk.
            File.Move(segmentCopy, Path.Combine(_dir, "segments", Path.GetFileName(open)));
        }
        using var reopened = LogSegmentWriter.Open(options, clock);
        Assert.That(Contents(reopened.Queue, includeSent: true), Is.EqualTo(expected));
        Assert.That(reopened.Queue.ListPending().Select(c => c.Id), Has.None.EqualTo(reopened.Queue.ListSent()[0].Id));
    }

    [Test]
    public void CrashBetweenSentRecordAndMove_FinishesTheMoveOnStart()
    {
        var clock = new FakeClock();
        var options = Options(_dir);
        LogChunk first;
        using (var writer = LogSegmentWriter.Open(options, clock))
        {
            writer.Append(Entry(1));
            writer.Dispose();
            first = writer.Queue.ListPending().Single();
            var copy = first.Path + ".bak";
            File.Copy(first.Path, copy);
            writer.Queue.MarkSent(first);
            File.Move(copy, first.Path); // the move to sent/ "did not happen"
        }
        var queue = new LogUploadQueue(options, clock);
        Assert.That(queue.ListPending(), Is.Empty);
        Assert.That(queue.ListSent().Single().Id, Is.EqualTo(first.Id));
    }

    [Test]
    public void TornSentIdLine_LeavesThatChunkPending()
    {
        var clock = new FakeClock();
        var options = Options(_dir) with { KeepSent = false };
        using (var writer = LogSegmentWriter.Open(options, clock))
        {
            writer.Append(Entry(1));
        }
        var state = Path.Combine(_dir, "state", "sent-ids");
        File.WriteAllText(state, "000000000001-00"); // crash in the middle of recording
        var queue = new LogUploadQueue(options, clock);
        Assert.That(queue.ListPending(), Has.Count.EqualTo(1));
    }

    private static void SnapshotWhileOpen(string from, string to) => CopyDirectory(from, to);
}
