using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text;

namespace Eve.Appliance.Agent.Content;

internal sealed partial class Downloader
{
    private async Task<BlobRef> AttemptAsync(DownloadRequest request, IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        var hex = request.Sha256;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(_options.BufferSize);
        try
        {
            long have;
            await using (var file = new FileStream(store.PartialPath(hex), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 0, FileOptions.Asynchronous))
            {
                have = await HashPrefixAsync(file, hash, buffer, request.Size, ct).ConfigureAwait(false);
                if (have > 0) Log.Resuming(_log, request.Display, have);
                EnsureSpace(request, request.Size, have);
                if (request.Size is not { } size || have < size)
                {
                    have = request.Source.IsFile
                        ? await FromFileAsync(request, file, hash, buffer, have, progress, ct).ConfigureAwait(false)
                        : await FromHttpAsync(request, file, hash, buffer, have, progress, ct).ConfigureAwait(false);
                }
                file.Flush(flushToDisk: true);
            }
            if (request.Size is { } expected && have != expected)
            {
                store.Delete(hex);
                throw new ContentException(ContentErrorKind.SizeMismatch,
                    $"{request.Display} has {have} bytes but the config says {expected}; the datastore holds a different object (fix the image's size or URL)");
            }
            var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (actual != hex)
            {
                store.Delete(hex);
                throw new ContentException(ContentErrorKind.HashMismatch,
                    $"{request.Display}: sha256 is {actual}, expected {hex}; the blob was deleted (the datastore holds different content or it was corrupted in transit)");
            }
            var blob = store.Commit(hex);
            Log.Verified(_log, request.Display, hex, blob.Size);
            progress?.Report(new DownloadProgress(hex, blob.Size, blob.Size));
            return blob;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Feeds the bytes already in the partial file to the hash, so a resumed download is
    /// verified over all of its bytes, not only the ones this attempt received.</summary>
    private static async Task<long> HashPrefixAsync(FileStream file, IncrementalHash hash, byte[] buffer, long? size, CancellationToken ct)
    {
        if (size is { } s && file.Length > s) file.SetLength(0);
        file.Position = 0;
        int n;
        while ((n = await file.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0) hash.AppendData(buffer, 0, n);
        return file.Position;
    }

    private static void Restart(FileStream file, IncrementalHash hash)
    {
        file.SetLength(0);
        file.Position = 0;
        hash.GetHashAndReset();
    }

    private async Task<long> FromFileAsync(DownloadRequest request, FileStream partial, IncrementalHash hash, byte[] buffer,
        long have, IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        FileStream source;
        try
        {
            source = new FileStream(request.Source.LocalPath, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ContentException(ContentErrorKind.NotFound, $"{request.Display} does not exist (is the USB stick mounted?)", inner: e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ContentException(ContentErrorKind.Unavailable, $"cannot open {request.Display}: {e.Message}", true, e);
        }
        await using (source.ConfigureAwait(false))
        {
            if (have > source.Length) { Restart(partial, hash); have = 0; }
            EnsureSpace(request, source.Length, have);
            source.Position = have;
            return await CopyAsync(request, source, partial, hash, buffer, have, source.Length, progress, ct).ConfigureAwait(false);
        }
    }

    private async Task<long> FromHttpAsync(DownloadRequest request, FileStream partial, IncrementalHash hash, byte[] buffer,
        long have, IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, request.Source);
        if (have > 0) message.Headers.Range = new RangeHeaderValue(have, null);
        if (request.Authorization is { } authorization)
            message.Headers.Authorization = authorization;
        else if (request.Credentials is { } c)
            message.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{c.UserName}:{c.Password}")));
        using var headerStall = new CancellationTokenSource(_options.StallTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, headerStall.Token);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (headerStall.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw Stalled(request, have);
        }
        catch (HttpRequestException e) when (e.InnerException is AuthenticationException)
        {
            throw new ContentException(ContentErrorKind.Unauthorized,
                $"TLS with {request.Source.Host} failed: {e.InnerException.Message}; add the datastore's CA certificate to its trusted certificates", inner: e);
        }
        catch (HttpRequestException e)
        {
            throw new ContentException(ContentErrorKind.Unavailable, $"cannot reach {request.Display}: {e.Message}", true, e);
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            if (response.StatusCode == HttpStatusCode.PartialContent)
            {
                if (response.Content.Headers.ContentRange?.From != have) { Restart(partial, hash); throw Transient(request, "answered a different range than asked; restarting from byte 0"); }
            }
            else if (response.StatusCode == HttpStatusCode.OK)
            {
                if (have > 0) { Restart(partial, hash); have = 0; }
            }
            else if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
            {
                Restart(partial, hash);
                throw Transient(request, $"refused the range from byte {have} (416); restarting from byte 0");
            }
            else if (status is 404 or 410)
            {
                throw new ContentException(ContentErrorKind.NotFound, $"{request.Display} is not on the datastore ({status}); check the image URL");
            }
            else if (status is 401 or 403)
            {
                throw new ContentException(ContentErrorKind.Unauthorized, $"{request.Display}: the datastore refused access ({status}); check its credentials");
            }
            else if (status is 408 or 429 || status >= 500)
            {
                throw Transient(request, $"answered {status} {response.ReasonPhrase}");
            }
            else
            {
                throw new ContentException(ContentErrorKind.Protocol, $"{request.Display}: unexpected HTTP {status} {response.ReasonPhrase}");
            }
            long? total = response.Content.Headers.ContentLength is { } len ? have + len : request.Size;
            if (request.Size is { } size && total is { } t && t != size)
                throw new ContentException(ContentErrorKind.SizeMismatch,
                    $"{request.Display} is {t} bytes on the datastore but the config says {size}; fix the image's size or URL");
            EnsureSpace(request, total, have); // after the headers, before the body: nothing is fetched
            var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
                return await CopyAsync(request, body, partial, hash, buffer, have, total, progress, ct).ConfigureAwait(false);
        }
    }

    private async Task<long> CopyAsync(DownloadRequest request, Stream source, FileStream partial, IncrementalHash hash, byte[] buffer,
        long have, long? total, IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        partial.Position = have;
        // Report about every percent rather than per read (the unknown-length case: every 4 MiB).
        var step = total is > 0 ? Math.Max(total.Value / 100, 64L << 10) : 4L << 20;
        var nextReport = have;
        // Re-armed after every read: the attempt is cancelled only when no bytes flow for the timeout.
        using var stall = new CancellationTokenSource(_options.StallTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, stall.Token);
        try
        {
            while (true)
            {
                var n = await source.ReadAsync(buffer, linked.Token).ConfigureAwait(false);
                if (n == 0) break;
                stall.CancelAfter(_options.StallTimeout);
                try
                {
                    await partial.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                }
                catch (IOException e) when (e.HResult == NoSpaceErrno)
                {
                    // Our disk, not the connection: say so (the partial is kept; the next try resumes).
                    throw new ContentException(ContentErrorKind.NoSpace,
                        $"{request.Display}: writing byte {have} to {partial.Name} failed: {e.Message}; the disk filled up during the download. " +
                        "Free disk space (remove unused apps or images); the download resumes from here", true, e);
                }
                hash.AppendData(buffer, 0, n);
                have += n;
                if (have >= nextReport)
                {
                    progress?.Report(new DownloadProgress(request.Sha256, have, total));
                    nextReport = have + step;
                }
            }
        }
        catch (OperationCanceledException) when (stall.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw Stalled(request, have);
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !ct.IsCancellationRequested)
        {
            throw Transient(request, $"connection broke at byte {have}{(total is { } t ? $" of {t}" : "")} ({e.Message}); will resume", e);
        }
        if (total is { } expected && have < expected)
            throw Transient(request, $"ended at byte {have} of {expected}; will resume");
        return have;
    }

    /// <summary>Refuses a blob whose missing bytes do not fit in the store's file system (statvfs),
    /// before they are fetched: a full /persist breaks every app and the device's own state.</summary>
    private void EnsureSpace(DownloadRequest request, long? total, long have)
    {
        if (total is not { } t || t <= have) return;
        var dir = Path.GetDirectoryName(store.PartialPath(request.Sha256))!;
        long need = t - have, free = _options.FreeBytes(dir);
        if (need <= free) return;
        throw new ContentException(ContentErrorKind.NoSpace,
            $"{request.Display} is {t} bytes ({t / 1048576.0:0.#} MiB){(have > 0 ? $", {need} still to fetch" : "")}, but {dir} has only {free} bytes " +
            $"({free / 1048576.0:0.#} MiB) free; not downloading it. Free disk space (remove unused apps or images) or give the device a bigger disk");
    }

    /// <summary>ENOSPC: .NET puts the errno in HResult for file I/O errors on Linux.</summary>
    private const int NoSpaceErrno = 28;

    private ContentException Stalled(DownloadRequest request, long have) =>
        new(ContentErrorKind.Stalled,
            $"{request.Display}: no bytes for {_options.StallTimeout.TotalSeconds:0.##} s at byte {have}; cancelled, will resume", true);

    private static ContentException Transient(DownloadRequest request, string what, Exception? inner = null) =>
        new(ContentErrorKind.Unavailable, $"{request.Display}: {what}", true, inner);
}
