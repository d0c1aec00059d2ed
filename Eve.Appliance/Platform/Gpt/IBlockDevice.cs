namespace Eve.Appliance.Platform.Gpt;

/// <summary>A disk (image file or block device) addressed by byte offset. The GPT code and the
/// partition writer talk only to this, so tests can inject faults (torn writes, power cuts) and
/// the product uses <see cref="FileBlockDevice"/>.</summary>
internal interface IBlockDevice : IDisposable
{
    /// <summary>Where this device lives, for error messages ("/dev/sda", "/tmp/x/disk.img").</summary>
    string Name { get; }

    /// <summary>Logical sector size in bytes (LBA size); 512 on everything we ship.</summary>
    int SectorSize { get; }

    /// <summary>Size of the whole device in bytes.</summary>
    long Length { get; }

    /// <summary>Reads exactly <c>buffer.Length</c> bytes at <paramref name="offset"/>.</summary>
    ValueTask ReadAsync(long offset, Memory<byte> buffer, CancellationToken ct = default);

    /// <summary>Writes all of <paramref name="data"/> at <paramref name="offset"/>. Not durable
    /// until <see cref="FlushAsync"/> returns.</summary>
    ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken ct = default);

    /// <summary>fsync: everything written before is on stable storage when this returns. Also a
    /// barrier: no write issued after it can reach the medium before the writes issued before it.</summary>
    ValueTask FlushAsync(CancellationToken ct = default);

    /// <summary>Drops cached pages of a flushed range so the next read comes from the medium
    /// (read-back verification). A hint: implementations without a cache do nothing.</summary>
    void DropCache(long offset, long length);
}
