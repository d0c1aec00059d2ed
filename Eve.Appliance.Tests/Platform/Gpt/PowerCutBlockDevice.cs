using Eve.Appliance.Platform.Gpt;

namespace Eve.Appliance.Tests.Platform.Gpt;

/// <summary>Lets <paramref name="budget"/> bytes of writes through, then the power goes: the write
/// that crosses the budget lands only partly (a torn sector when the cut falls inside one) and it
/// and every later call throw.</summary>
internal sealed class PowerCutBlockDevice(IBlockDevice inner, long budget) : IBlockDevice
{
    private long _left = budget;

    public bool Cut { get; private set; }
    public string Name => inner.Name;
    public int SectorSize => inner.SectorSize;
    public long Length => inner.Length;

    public ValueTask ReadAsync(long offset, Memory<byte> buffer, CancellationToken ct = default)
    {
        ThrowIfCut();
        return inner.ReadAsync(offset, buffer, ct);
    }

    public async ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken ct = default)
    {
        ThrowIfCut();
        if (data.Length <= _left)
        {
            _left -= data.Length;
            await inner.WriteAsync(offset, data, ct);
            return;
        }
        if (_left > 0) await inner.WriteAsync(offset, data[..(int)_left], ct);
        Cut = true;
        ThrowIfCut();
    }

    public ValueTask FlushAsync(CancellationToken ct = default)
    {
        ThrowIfCut();
        return inner.FlushAsync(ct);
    }

    public void DropCache(long offset, long length) { }

    public void Dispose() { }

    private void ThrowIfCut()
    {
        if (Cut) throw new IOException("power cut (test)");
    }
}
