using System.Buffers.Binary;

namespace Eve.Appliance.Platform.Tpm;

/// <summary>Big-endian reader for TPM 2.0 response structures. Reading past the end throws a
/// <see cref="TpmProtocolException"/> naming the structure, because a short response means the
/// transport or our marshalling is wrong, not the caller's input.</summary>
internal ref struct TpmReader(ReadOnlySpan<byte> buffer)
{
    private readonly ReadOnlySpan<byte> _buffer = buffer;
    private int _pos;

    public readonly int Position => _pos;
    public readonly int Remaining => _buffer.Length - _pos;

    public byte U8()
    {
        Need(1);
        return _buffer[_pos++];
    }

    public ushort U16()
    {
        Need(2);
        var v = BinaryPrimitives.ReadUInt16BigEndian(_buffer[_pos..]);
        _pos += 2;
        return v;
    }

    public uint U32()
    {
        Need(4);
        var v = BinaryPrimitives.ReadUInt32BigEndian(_buffer[_pos..]);
        _pos += 4;
        return v;
    }

    public ulong U64()
    {
        Need(8);
        var v = BinaryPrimitives.ReadUInt64BigEndian(_buffer[_pos..]);
        _pos += 8;
        return v;
    }

    public ReadOnlySpan<byte> Bytes(int count)
    {
        Need(count);
        var s = _buffer.Slice(_pos, count);
        _pos += count;
        return s;
    }

    /// <summary>The contents of a TPM2B (size-prefixed) field.</summary>
    public ReadOnlySpan<byte> Sized() => Bytes(U16());

    public byte[] SizedArray() => Sized().ToArray();

    private readonly void Need(int count)
    {
        if (count < 0 || _pos + count > _buffer.Length)
            throw new TpmProtocolException(
                $"TPM response ended early: needed {count} more bytes at offset {_pos} of {_buffer.Length}");
    }
}
