using System.Buffers.Binary;

namespace Eve.Appliance.Platform.Tpm;

/// <summary>Big-endian writer for TPM 2.0 structures (TCG Part 1 §18: all integers are big-endian,
/// TPM2B_ types are a UINT16 size followed by that many bytes).</summary>
internal ref struct TpmWriter(Span<byte> buffer)
{
    private readonly Span<byte> _buffer = buffer;
    private int _pos;

    public readonly int Length => _pos;

    public void U8(byte value) => _buffer[_pos++] = value;

    public void U16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[_pos..], value);
        _pos += 2;
    }

    public void U32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_buffer[_pos..], value);
        _pos += 4;
    }

    public void Bytes(scoped ReadOnlySpan<byte> value)
    {
        value.CopyTo(_buffer[_pos..]);
        _pos += value.Length;
    }

    /// <summary>A TPM2B: UINT16 size, then the bytes.</summary>
    public void Sized(scoped ReadOnlySpan<byte> value)
    {
        if (value.Length > ushort.MaxValue)
            throw new ArgumentException($"a TPM2B holds at most 65535 bytes, got {value.Length}", nameof(value));
        U16((ushort)value.Length);
        Bytes(value);
    }

    /// <summary>Reserves a UINT16 size for a nested structure (TPM2B_PUBLIC, TPM2B_SENSITIVE_CREATE …);
    /// <see cref="EndSized"/> fills it in once the contents are written.</summary>
    public int BeginSized()
    {
        var mark = _pos;
        _pos += 2;
        return mark;
    }

    public readonly void EndSized(int mark) =>
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[mark..], checked((ushort)(_pos - mark - 2)));

    public readonly void PatchU32(int offset, uint value) =>
        BinaryPrimitives.WriteUInt32BigEndian(_buffer[offset..], value);
}
