using Eve.Appliance.Agent.ControllerConn;
using Eve.Appliance.Agent.Telemetry.Logs;
using Eve.Appliance.Api.NewLogs;
using Microsoft.Extensions.Logging.Abstractions;
using Eve.Appliance.Tests.Support;
using static Eve.Appliance.Tests.Agent.Telemetry.Logs.SpoolFixture;

namespace Eve.Appliance.Tests.Agent.Telemetry.Logs;

/// <summary>The uploader over a real spool folder, with a fake clock and a scripted controller.</summary>
[TestFixture]
public sealed class LogUploaderTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = NewDir();

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    /// <summary>What the fake controller does with the next request, and what it stored.</summary>
    private sealed class FakeController
    {
        public Func<int>? Answer { get; set; } = () => 201;
        public List<(string Action, NewLogsPayload Payload)> Received { get; } = [];

        public Task<int> SendAsync(string action, byte[] gzip, CancellationToken ct)
        {
            if (Answer == null) throw new ControllerUnavailableException("connection refused (test)");
            var status = Answer();
            if (status is >= 200 and < 300) Received.Add((action, NewLogsCodec.Decode(gzip)));
            return Task.FromResult(status);
        }
    }

    private static void Write(LogSegmentWriter writer, FakeClock clock, int from, int count, string? app = null)
    {
        for (var i = from; i < from + count; i++)
        {
            if (app == null) writer.Append(Entry(i));
            else writer.AppendApp(Entry(i), app);
            if (i % 100 == 99)
            {
                clock.Advance(TimeSpan.FromMinutes(5)); // every 100 lines a segment closes: one chunk
                writer.Tick();
            }
        }
    }

    private static async Task<int> DrainAsync(LogUploader uploader)
    {
        var rounds = 0;
        while (await uploader.UploadNextAsync(CancellationToken.None) != LogUploadOutcome.Idle) rounds++;
        return rounds;
    }

    [Test]
    public async Task ControllerAway_ThenBack_EveryLineArrivesOnceInOrder()
    {
        var clock = new FakeClock();
        var controller = new FakeController();
        using var writer = LogSegmentWriter.Open(Options(_dir), clock);
        var uploader = new LogUploader(writer.Queue, controller.SendAsync, new LogUploadPacing(), clock, NullLogger.Instance);
        Write(writer, clock, 0, 300);
        Assert.That(await DrainAsync(uploader), Is.EqualTo(3));

        controller.Answer = null; // away
        Write(writer, clock, 300, 1000);
        for (var i = 0; i < 5; i++) Assert.That(await uploader.UploadNextAsync(CancellationToken.None), Is.EqualTo(LogUploadOutcome.ControllerAway));
        controller.Answer = () => 503; // up but overloaded: still nothing may be lost
        Assert.That(await uploader.UploadNextAsync(CancellationToken.None), Is.EqualTo(LogUploadOutcome.ControllerAway));
        Assert.That(writer.Queue.ListPending(), Has.Count.EqualTo(10));

        controller.Answer = () => 201;
        Assert.That(await DrainAsync(uploader), Is.EqualTo(10));
        var lines = controller.Received.SelectMany(r => r.Payload.Entries).Select(e => e.Content).ToList();
        Assert.That(lines, Is.EqualTo(Enumerable.Range(0, 1300).Select(i => Entry(i).Content).ToList()), "all lines, in order, once");
        Assert.That(controller.Received.Select(r => r.Payload.Header.Extra).Select(e => NewLogsChunkTag.FromExtra(e)!.Value.ChunkId), Is.Ordered.And.Unique);
        Assert.That(uploader.AwayAttempts, Is.EqualTo(6));
    }

    [Test]
    public async Task AppChunks_GoToTheirAppUrl_WithTheAppNameInFname()
    {
        var clock = new FakeClock();
        var controller = new FakeController();
        var app = Guid.NewGuid().ToString("D");
        using var writer = LogSegmentWriter.Open(Options(_dir) with { AppName = u => u == app ? "web-server" : u }, clock);
        var uploader = new LogUploader(writer.Queue, controller.SendAsync, new LogUploadPacing(), clock, NullLogger.Instance);
        Write(writer, clock, 0, 100, app);
        await DrainAsync(uploader);
        var (action, payload) = controller.Received.Single();
        Assert.That(action, Is.EqualTo($"apps/instanceid/{app}/newlogs"));
        Assert.That(payload.AppName, Is.EqualTo("web-server"));
        Assert.That(payload.Entries, Has.Count.EqualTo(100));
    }

    [Test]
    public async Task ARefusedChunk_IsRetried_ThenPutAside_SoNewerLogsStillGo()
    {
        var clock = new FakeClock();
        var controller = new FakeController();
        using var writer = LogSegmentWriter.Open(Options(_dir), clock);
        var pacing = new LogUploadPacing { MaxRefusals = 3 };
        var uploader = new LogUploader(writer.Queue, controller.SendAsync, pacing, clock, NullLogger.Instance);
        Write(writer, clock, 0, 200);
        var first = writer.Queue.ListPending()[0];
        controller.Answer = () => 400;
        Assert.That(await uploader.UploadNextAsync(CancellationToken.None), Is.EqualTo(LogUploadOutcome.Refused));
        Assert.That(await uploader.UploadNextAsync(CancellationToken.None), Is.EqualTo(LogUploadOutcome.Refused));
        Assert.That(writer.Queue.ListPending()[0].Id, Is.EqualTo(first.Id), "kept while under the retry limit");
        Assert.That(await uploader.UploadNextAsync(CancellationToken.None), Is.EqualTo(LogUploadOutcome.Delivered));
        Assert.That(File.Exists(Path.Combine(writer.Queue.RejectedDir, Path.GetFileName(first.Path))), Is.True);
        Assert.That(writer.Queue.RejectedChunks, Is.EqualTo(1));

        controller.Answer = () => 201;
        await DrainAsync(uploader);
        Assert.That(controller.Received.SelectMany(r => r.Payload.Entries).Select(e => e.Content).First(), Is.EqualTo(Entry(100).Content));
    }

    [Test]
    public async Task RunAsync_BacksOffWhileAway_OnTheFakeClock()
    {
        var clock = new StepClock();
        var controller = new FakeController { Answer = null };
        using var writer = LogSegmentWriter.Open(Options(_dir), clock);
        writer.Append(Entry(1));
        writer.Dispose(); // closes and packs: one chunk waits
        var pacing = new LogUploadPacing { Interval = TimeSpan.FromSeconds(10), MaxBackoff = TimeSpan.FromSeconds(40) };
        var uploader = new LogUploader(writer.Queue, controller.SendAsync, pacing, clock, NullLogger.Instance);
        using var cts = new CancellationTokenSource();
        var run = uploader.RunAsync(cts.Token);
        async Task Attempted(long n) =>
            await Eventually.WaitAsync(() => uploader.AwayAttempts + uploader.ChunksSent == n && clock.PendingTimers == 1, $"attempt {n} made and the next wait armed");
        try
        {
            // Attempts at t = 0, 10, 30, 70, 110: waits of 10, 20, 40 (the cap), 40.
            await Attempted(1);
            foreach (var wait in new[] { 10, 20, 40, 40 })
            {
                var before = uploader.AwayAttempts;
                clock.Advance(TimeSpan.FromSeconds(wait - 1));
                Assert.That(uploader.AwayAttempts, Is.EqualTo(before), $"no attempt before the {wait} s wait is over");
                clock.Advance(TimeSpan.FromSeconds(1));
                await Attempted(before + 1);
            }
            Assert.That(uploader.Backoff, Is.EqualTo(TimeSpan.FromSeconds(40)));
            controller.Answer = () => 201;
            clock.Advance(TimeSpan.FromSeconds(40));
            await Eventually.WaitAsync(() => uploader.ChunksSent == 1, "the chunk delivered once the controller is back");
            Assert.That(uploader.Backoff, Is.EqualTo(TimeSpan.Zero));
            Assert.That(controller.Received.Single().Payload.Entries.Single().Content, Is.EqualTo(Entry(1).Content));
        }
        finally
        {
            await cts.CancelAsync();
            try { await run; } catch (OperationCanceledException) { }
        }
    }
}
