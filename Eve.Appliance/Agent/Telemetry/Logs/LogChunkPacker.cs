using System.Buffers;
using System.IO.Compression;
using Eve.Appliance.Api.NewLogs;

namespace Eve.Appliance.Agent.Telemetry.Logs;

/// <summary>Turns one closed segment (JSON lines) into newlogs gzip chunks of at most
/// <see cref="LogSpoolOptions.MaxChunkBytes"/> compressed bytes, numbered segment-part. The split depends
/// only on the segment's bytes and the options, so packing the same segment again (after a crash
/// before the segment was deleted) produces the same ids over the same lines. Not thread-safe: the
/// segment writer calls it under its lock, and it reuses its buffers between segments.</summary>
internal sealed class LogChunkPacker(LogSpoolOptions options, LogUploadQueue queue, TimeProvider time, Guid spoolId,
    CompressionLevel level = CompressionLevel.SmallestSize)
{
    // First guess of compressed/raw for JSON log lines; later chunks of the segment use the measured one.
    private const double InitialRatio = 0.2;
    private const double Fill = 0.92;

    private readonly ArrayBufferWriter<byte> _body = new(options.MaxChunkBytes * 4);
    private readonly List<(int Start, int Length)> _lines = [];

    public long ChunksWritten { get; private set; }

    public long LinesPacked { get; private set; }

    /// <summary>Packs the segment file and returns the number of chunks handed to the queue (chunks
    /// already sent are skipped by the queue).</summary>
    public int Pack(string segmentPath, ulong segment, string stream)
    {
        using var file = new FileStream(segmentPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        var length = checked((int)file.Length);
        var data = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            file.ReadExactly(data, 0, length);
            return Pack(data.AsSpan(0, length), segmentPath, segment, stream);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(data);
        }
    }

    private int Pack(ReadOnlySpan<byte> data, string segmentPath, ulong segment, string stream)
    {
        var lines = CompleteLines(data, _lines);
        var max = options.MaxChunkBytes;
        var ratio = InitialRatio;
        var chunks = 0;
        ushort part = 0;
        var body = _body;
        for (var i = 0; i < lines.Count;)
        {
            var n = CountForRaw(lines, i, (long)(max * Fill / ratio));
            var gz = Compress(data, lines, i, n, body, segment, part, stream);
            while (gz.Length > max && n > 1)
            {
                n = Math.Max(1, Math.Min(n - 1, (int)(n * max * Fill / gz.Length)));
                gz = Compress(data, lines, i, n, body, segment, part, stream);
            }
            if (gz.Length < max * 0.7 && i + n < lines.Count)
            {
                // The guess was low: try once with more lines, keep it only if it still fits.
                var more = Math.Min(lines.Count - i, Math.Max(n + 1, (int)(n * max * Fill / gz.Length)));
                var bigger = Compress(data, lines, i, more, body, segment, part, stream);
                if (bigger.Length <= max) (gz, n) = (bigger, more);
            }
            if (gz.Length > max)
                throw new InvalidOperationException($"log segment {segmentPath}: one line compresses to {gz.Length} bytes, over the {max}-byte chunk limit; MaxLineBytes must stay well below MaxChunkBytes");
            ratio = Math.Max(0.01, (double)gz.Length / RawBytes(lines, i, n));
            if (queue.Add(new LogChunkId(segment, part), stream, gz)) chunks++;
            LinesPacked += n;
            part++;
            i += n;
        }
        ChunksWritten += chunks;
        return chunks;
    }

    private byte[] Compress(ReadOnlySpan<byte> data, List<(int Start, int Length)> lines, int first, int count,
        ArrayBufferWriter<byte> body, ulong segment, ushort part, string stream)
    {
        body.ResetWrittenCount();
        for (var k = first; k < first + count; k++)
        {
            var (start, length) = lines[k];
            data.Slice(start, length).CopyTo(body.GetSpan(length));
            body.Advance(length);
        }
        var now = time.GetUtcNow();
        var appUuid = LogStreams.AppUuidOf(stream);
        var header = appUuid == null
            ? NewLogsCodec.DeviceHeader(options.MetaSource?.Invoke() ?? options.Meta, now, level)
            : NewLogsCodec.AppHeader(options.AppName?.Invoke(appUuid) ?? appUuid, now, level);
        header = header with { Extra = new NewLogsChunkTag(spoolId, new LogChunkId(segment, part).Value).ToExtra() };
        return GzipMember.Write(header, body.WrittenSpan, level);
    }

    private static int CountForRaw(List<(int Start, int Length)> lines, int first, long targetRaw)
    {
        long raw = 0;
        var n = 0;
        while (first + n < lines.Count && (n == 0 || raw + lines[first + n].Length <= targetRaw)) raw += lines[first + n++].Length;
        return n;
    }

    private static long RawBytes(List<(int Start, int Length)> lines, int first, int count)
    {
        long raw = 0;
        for (var k = first; k < first + count; k++) raw += lines[k].Length;
        return raw;
    }

    /// <summary>Lines ending in '\n' that look like our JSON objects. A torn tail or a zero-filled
    /// block (what a power cut can leave in a file) is skipped rather than shipped.</summary>
    private static List<(int Start, int Length)> CompleteLines(ReadOnlySpan<byte> span, List<(int Start, int Length)> lines)
    {
        lines.Clear();
        var pos = 0;
        while (pos < span.Length)
        {
            var nl = span[pos..].IndexOf((byte)'\n');
            if (nl < 0) break;
            var line = span.Slice(pos, nl);
            if (line.Length > 1 && line[0] == '{' && line[^1] == '}' && !line.Contains((byte)0)) lines.Add((pos, nl + 1));
            pos += nl + 1;
        }
        return lines;
    }
}
