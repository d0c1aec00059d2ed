using Eve.Appliance.Agent.ControllerConn;
using Microsoft.Extensions.Logging;

namespace Eve.Appliance.Agent.Telemetry.Logs;

/// <summary>Posts one newlogs chunk to the controller; returns the HTTP status, throws
/// <see cref="ControllerUnavailableException"/> when the controller cannot be reached.</summary>
internal delegate Task<int> LogChunkSend(string action, byte[] gzip, CancellationToken ct);

/// <summary>Uploads the spool oldest chunk first, one chunk per wake-up, paced by
/// <see cref="LogUploadPacer"/>. A chunk is marked sent (fsynced) only after a 2xx; a crash between the
/// 2xx and the mark re-sends it, and the controller drops the copy by its chunk id (FEXTRA).</summary>
internal sealed class LogUploader(LogUploadQueue queue, LogChunkSend send, LogUploadPacing pacing, TimeProvider time, ILogger log)
{
    private readonly LogUploadPacer _pacer = new(pacing);
    private readonly Dictionary<LogChunkId, int> _refusals = [];

    public long ChunksSent { get; private set; }

    public long BytesSent { get; private set; }

    /// <summary>Attempts that found the controller away or busy.</summary>
    public long AwayAttempts { get; private set; }

    /// <summary>4xx answers other than 429.</summary>
    public long Refusals { get; private set; }

    public TimeSpan Backoff => _pacer.Backoff;

    /// <summary>The wait chosen after the last attempt.</summary>
    public TimeSpan CurrentInterval { get; private set; }

    /// <summary>Set by the agent once the device has an id; until then nothing is sent.</summary>
    public Func<bool> CanSend { get; init; } = () => true;

    public static string ActionOf(LogChunk chunk) => chunk.AppUuid is { } app ? $"apps/instanceid/{app}/newlogs" : "newlogs";

    /// <summary>Sends the oldest pending chunk, if any.</summary>
    public async Task<LogUploadOutcome> UploadNextAsync(CancellationToken ct)
    {
        if (!CanSend()) return LogUploadOutcome.Idle;
        var chunk = queue.ListPending().FirstOrDefault();
        if (chunk == null) return LogUploadOutcome.Idle;
        byte[] gzip;
        try
        {
            gzip = queue.Read(chunk);
        }
        catch (FileNotFoundException)
        {
            return LogUploadOutcome.Delivered; // dropped by the quota meanwhile: on to the next
        }
        int status;
        try
        {
            status = await send(ActionOf(chunk), gzip, ct).ConfigureAwait(false);
        }
        catch (ControllerUnavailableException e)
        {
            AwayAttempts++;
            log.LogDebug("log upload: controller away ({Reason}); {Count} chunks wait", e.Message, queue.ListPending().Count);
            return LogUploadOutcome.ControllerAway;
        }
        if (status is >= 200 and < 300)
        {
            try
            {
                queue.MarkSent(chunk);
            }
            catch (IOException e)
            {
                // Disk full: the id cannot be recorded, so the chunk stays pending and goes again later
                // (the controller keeps one copy per chunk id). Back off as if the controller were away.
                AwayAttempts++;
                log.LogWarning("log upload: chunk {Chunk} delivered but not recorded as sent ({Reason}); it will be sent again", chunk.Id, e.Message);
                return LogUploadOutcome.ControllerAway;
            }
            _refusals.Remove(chunk.Id);
            ChunksSent++;
            BytesSent += gzip.Length;
            return LogUploadOutcome.Delivered;
        }
        if (status is 429 or 503 or >= 500)
        {
            AwayAttempts++;
            return LogUploadOutcome.ControllerAway;
        }
        Refusals++;
        var refusals = _refusals[chunk.Id] = _refusals.GetValueOrDefault(chunk.Id) + 1;
        if (refusals < pacing.MaxRefusals)
        {
            log.LogWarning("log upload: controller refused chunk {Chunk} with {Status} ({Count} of {Max}); retrying later", chunk.Id, status, refusals, pacing.MaxRefusals);
            return LogUploadOutcome.Refused;
        }
        _refusals.Remove(chunk.Id);
        queue.Reject(chunk);
        log.LogWarning("log upload: controller refused chunk {Chunk} {Count} times (last {Status}); moved it to {Dir} so newer logs can go", chunk.Id, refusals, status, queue.RejectedDir);
        return LogUploadOutcome.Delivered;
    }

    /// <summary>Where this loop heartbeats as "logs" (null when node health is off).</summary>
    public Watchdog.HealthMonitor? Health { get; init; }

    public async Task RunAsync(CancellationToken ct)
    {
        // An upload that hangs trips the watchdog; waiting out the pacing interval does not.
        using var beat = Health?.Register("logs");
        while (!ct.IsCancellationRequested)
        {
            beat?.Beat();
            var outcome = await UploadNextAsync(ct).ConfigureAwait(false);
            var delay = CurrentInterval = _pacer.Next(outcome, queue.ListPending().Count);
            beat?.Idle();
            await Task.Delay(delay, time, ct).ConfigureAwait(false);
        }
    }
}
