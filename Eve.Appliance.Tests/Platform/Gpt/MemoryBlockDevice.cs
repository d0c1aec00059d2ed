using Eve.Appliance.Platform.Gpt;

namespace Eve.Appliance.Tests.Platform.Gpt;

/// <summary>A disk in memory, for the exhaustive power-cut walks (thousands of states per test).</summary>
internal sealed class MemoryBlockDevice(byte[] bytes, string name = "memory-disk", int sectorSize = 512) : IBlockDevice
{
    public byte[] Bytes { get; } = bytes;
    public string Name => name;
    public int SectorSize => sectorSize;
    public long Length => Bytes.Length;

    public static MemoryBlockDevice FromFile(string path) => new(File.ReadAllBytes(path), path);

    public MemoryBlockDevice Clone() => new((byte[])Bytes.Clone(), name, sectorSize);

    public ValueTask ReadAsync(long offset, Memory<byte> buffer, CancellationToken ct = default)
    {
        Bytes.AsSpan(checked((int)offset), buffer.Length).CopyTo(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken ct = default)
    {
        data.Span.CopyTo(Bytes.AsSpan(checked((int)offset), data.Length));
        return ValueTask.CompletedTask;
    }

    public ValueTask FlushAsync(CancellationToken ct = default) => ValueTask.CompletedTask;

    public void DropCache(long offset, long length) { }

    public void Dispose() { }
}
