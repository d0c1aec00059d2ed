using System.Buffers;
using System.Security.Cryptography;
using Eve.Appliance.Platform.Gpt;

namespace Eve.Appliance.Agent.BaseOs;

/// <summary>Writes a base image into the other partition's LBA range: sha256 while writing, fsync,
/// then reads the range back and checks the hash again. It refuses to touch a partition GRUB could
/// boot (active or updating), so a crash or kill mid-write can only damage a partition nobody
/// boots; the state flip to `updating` comes after, as a separate GPT rewrite.</summary>
internal sealed class PartitionWriter(TimeProvider time)
{
    public const int ChunkBytes = 1 << 20;

    /// <param name="onChunk">Called after every chunk written or read back: a slow disk can take minutes
    /// for an image, and the caller's watchdog heartbeat must see that the work moves.</param>
    public async Task<PartitionWriteResult> WriteAsync(IBlockDevice dev, string partitionName, Stream image,
        string? expectedSha256 = null, CancellationToken ct = default, Action? onChunk = null)
    {
        var table = (await GptReader.ReadAsync(dev, ct).ConfigureAwait(false)).Table;
        var part = table.Find(partitionName)
            ?? throw new GptException($"disk {dev.Name} has no partition named {partitionName}");
        var state = new PartitionState(part.Attributes);
        if (state.Eve is not (EvePartitionState.Unused or EvePartitionState.InProgress))
            throw new InvalidOperationException($"refusing to write an image into {partitionName} on {dev.Name}: it is {state}, " +
                "so GRUB may boot it. Only an unused or failed (inprogress) partition can take a new image.");

        long start = (long)part.FirstLba * dev.SectorSize;
        long capacity = (long)part.SizeInSectors * dev.SectorSize;
        if (image.CanSeek && image.Length - image.Position > capacity)
            throw TooLarge(dev, partitionName, image.Length - image.Position, capacity);

        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        var next = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            long t0 = time.GetTimestamp();
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long written = 0;
            int n = await FillAsync(image, buffer.AsMemory(0, ChunkBytes), ct).ConfigureAwait(false);
            while (n > 0)
            {
                if (written + n > capacity) throw TooLarge(dev, partitionName, written + n, capacity, streaming: true);
                // Pipelined: the chunk is written while it is hashed and the next one is read.
                // All three only read `buffer`; `next` is the only buffer being filled.
                var write = dev.WriteAsync(start + written, buffer.AsMemory(0, n), ct).AsTask();
                int following;
                try
                {
                    hash.AppendData(buffer, 0, n);
                    following = await FillAsync(image, next.AsMemory(0, ChunkBytes), ct).ConfigureAwait(false);
                }
                finally
                {
                    await write.ConfigureAwait(false); // never hand `buffer` back to the pool mid-write
                }
                written += n;
                onChunk?.Invoke();
                (buffer, next) = (next, buffer);
                n = following;
            }
            await dev.FlushAsync(ct).ConfigureAwait(false);
            string sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            var writeTime = time.GetElapsedTime(t0);

            if (expectedSha256 != null && !sha.Equals(expectedSha256, StringComparison.OrdinalIgnoreCase))
                throw new InvalidDataException($"image written to {partitionName} on {dev.Name} has sha256 {sha}, expected {expectedSha256}: " +
                    "the source is not the image that was verified. The partition stays unused; download the image again.");

            long t1 = time.GetTimestamp();
            dev.DropCache(start, written);
            int len = (int)Math.Min(ChunkBytes, written);
            if (len > 0) await dev.ReadAsync(start, buffer.AsMemory(0, len), ct).ConfigureAwait(false);
            long off = 0;
            while (len > 0)
            {
                // Read the next chunk while this one is hashed.
                long nextOff = off + len;
                int nextLen = (int)Math.Min(ChunkBytes, written - nextOff);
                var read = nextLen > 0 ? dev.ReadAsync(start + nextOff, next.AsMemory(0, nextLen), ct).AsTask() : Task.CompletedTask;
                try { hash.AppendData(buffer, 0, len); }
                finally { await read.ConfigureAwait(false); }
                onChunk?.Invoke();
                (buffer, next) = (next, buffer);
                (off, len) = (nextOff, nextLen);
            }
            string readBack = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (readBack != sha)
                throw new IOException($"read-back of {partitionName} on {dev.Name} gives sha256 {readBack}, but {sha} was written: " +
                    "the disk does not keep what it is given. The partition stays unused; check the disk (SMART, dmesg).");
            return new PartitionWriteResult(partitionName, written, sha, writeTime, time.GetElapsedTime(t1));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<byte>.Shared.Return(next);
        }
    }

    private static async Task<int> FillAsync(Stream s, Memory<byte> buf, CancellationToken ct)
    {
        int total = 0;
        while (total < buf.Length)
        {
            int n = await s.ReadAsync(buf[total..], ct).ConfigureAwait(false);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    private static InvalidOperationException TooLarge(IBlockDevice dev, string name, long size, long capacity, bool streaming = false) =>
        new($"image {(streaming ? "is more than" : "is")} {size} bytes but partition {name} on {dev.Name} holds {capacity} bytes " +
            $"({capacity / (1024 * 1024)} MiB); nothing usable was written and the partition stays unused. " +
            "Use an image built for this partition size or re-partition with larger IMGA/IMGB.");
}
