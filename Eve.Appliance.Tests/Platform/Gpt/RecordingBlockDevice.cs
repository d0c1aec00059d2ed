using Eve.Appliance.Platform.Gpt;

namespace Eve.Appliance.Tests.Platform.Gpt;

/// <summary>Passes everything to an inner device and records the writes and flushes in order, so a
/// separate writer process can replay exactly what our code issued.</summary>
internal sealed class RecordingBlockDevice(IBlockDevice inner) : IBlockDevice
{
    /// <summary>A write (Data set) or an fsync barrier (Data null).</summary>
    public sealed record Op(long Offset, byte[]? Data);

    public List<Op> Ops { get; } = [];
    public string Name => inner.Name;
    public int SectorSize => inner.SectorSize;
    public long Length => inner.Length;

    public ValueTask ReadAsync(long offset, Memory<byte> buffer, CancellationToken ct = default) => inner.ReadAsync(offset, buffer, ct);

    public ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken ct = default)
    {
        Ops.Add(new Op(offset, data.ToArray()));
        return inner.WriteAsync(offset, data, ct);
    }

    public ValueTask FlushAsync(CancellationToken ct = default)
    {
        Ops.Add(new Op(0, null));
        return inner.FlushAsync(ct);
    }

    public void DropCache(long offset, long length) => inner.DropCache(offset, length);

    public void Dispose() => inner.Dispose();
}
