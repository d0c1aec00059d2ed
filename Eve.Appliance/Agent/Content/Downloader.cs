using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eve.Appliance.Agent.Content;

/// <summary>Fetches a blob into the <see cref="BlobStore"/> from an HTTP(S) datastore or a local
/// file: resumes with HTTP Range after a cut or stall, retries transient failures with exponential
/// backoff, hashes while streaming (the resumed prefix is re-hashed from the partial file, so the
/// digest always covers every byte), and publishes the blob only when the sha256 matches.</summary>
internal sealed partial class Downloader(
    BlobStore store,
    HttpClient http,
    DownloaderOptions? options = null,
    TimeProvider? time = null,
    ILogger<Downloader>? logger = null)
{
    private readonly DownloaderOptions _options = options ?? new DownloaderOptions();
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ILogger _log = logger ?? NullLogger<Downloader>.Instance;
    // One transfer per hash: a second request for the same blob waits and then finds it stored.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new();

    public BlobStore Store => store;

    public async Task<BlobRef> DownloadAsync(DownloadRequest request, IProgress<DownloadProgress>? progress = null,
        CancellationToken ct = default)
    {
        var hex = BlobStore.NormalizeSha256(request.Sha256);
        if (request.Source.Scheme is not ("http" or "https" or "file"))
            throw new ContentException(ContentErrorKind.InvalidArgument,
                $"cannot download {request.Display}: scheme '{request.Source.Scheme}' is not http, https or file");
        var gate = _locks.GetOrAdd(hex, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (store.TryGet(hex) is { } existing)
            {
                progress?.Report(new DownloadProgress(hex, existing.Size, existing.Size));
                return existing;
            }
            using var pin = store.Pin(hex);
            return await RetryAsync(request with { Sha256 = hex }, progress, ct).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<BlobRef> RetryAsync(DownloadRequest request, IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        var attempt = 0;
        var mismatches = 0;
        while (true)
        {
            attempt++;
            try
            {
                return await AttemptAsync(request, progress, ct).ConfigureAwait(false);
            }
            catch (ContentException e) when (e.Kind == ContentErrorKind.HashMismatch)
            {
                store.Delete(request.Sha256);
                if (++mismatches > _options.MaxHashMismatchRetries)
                    throw new ContentException(e.Kind, $"{e.Message}; gave up after {mismatches} full downloads", inner: e);
                Log.Retrying(_log, request.Display, attempt, e.Message, TimeSpan.Zero);
            }
            catch (ContentException e) when (e.IsTransient && attempt < _options.MaxAttempts)
            {
                var delay = Backoff(attempt);
                Log.Retrying(_log, request.Display, attempt, e.Message, delay);
                await Task.Delay(delay, _time, ct).ConfigureAwait(false);
            }
            catch (ContentException e) when (e.IsTransient)
            {
                throw new ContentException(e.Kind, $"{e.Message}; gave up after {attempt} attempts (the partial download is kept and resumes next time)", true, e);
            }
        }
    }

    internal TimeSpan Backoff(int attempt)
    {
        var ticks = _options.InitialBackoff.Ticks * Math.Pow(2, Math.Min(attempt - 1, 30));
        return TimeSpan.FromTicks((long)Math.Min(ticks, _options.MaxBackoff.Ticks));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 701, Level = LogLevel.Warning, Message = "download {Source}: attempt {Attempt} failed: {Reason}; retrying in {Delay}")]
        public static partial void Retrying(ILogger logger, string source, int attempt, string reason, TimeSpan delay);

        [LoggerMessage(EventId = 702, Level = LogLevel.Information, Message = "download {Source}: resuming at byte {Offset}")]
        public static partial void Resuming(ILogger logger, string source, long offset);

        [LoggerMessage(EventId = 703, Level = LogLevel.Information, Message = "download {Source}: verified sha256 {Sha256}, {Bytes} bytes")]
        public static partial void Verified(ILogger logger, string source, string sha256, long bytes);
    }
}
