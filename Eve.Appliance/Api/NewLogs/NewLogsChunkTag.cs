using System.Buffers.Binary;

namespace Eve.Appliance.Api.NewLogs;

/// <summary>Our chunk identity inside the gzip FEXTRA field (RFC 1952 §2.3.1.1 subfield 'E','c'): the
/// spool's 16-byte id and the 8-byte chunk id. EVE controllers ignore FEXTRA (Go's gzip reader just
/// exposes it), ours uses it to drop a chunk the device re-sent after a crash between upload and
/// bookkeeping — the "exactly once" end of "never lost".</summary>
internal readonly record struct NewLogsChunkTag(Guid SpoolId, ulong ChunkId)
{
    private const byte Si1 = (byte)'E', Si2 = (byte)'c';
    private const int DataLength = 24;

    public byte[] ToExtra()
    {
        var extra = new byte[4 + DataLength];
        extra[0] = Si1;
        extra[1] = Si2;
        BinaryPrimitives.WriteUInt16LittleEndian(extra.AsSpan(2), DataLength);
        SpoolId.TryWriteBytes(extra.AsSpan(4, 16), bigEndian: true, out _);
        BinaryPrimitives.WriteUInt64BigEndian(extra.AsSpan(20), ChunkId);
        return extra;
    }

    /// <summary>Finds our subfield among any others; null when absent or malformed.</summary>
    public static NewLogsChunkTag? FromExtra(ReadOnlySpan<byte> extra)
    {
        while (extra.Length >= 4)
        {
            int len = BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]);
            if (extra.Length < 4 + len) return null;
            if (extra[0] == Si1 && extra[1] == Si2 && len == DataLength)
            {
                var data = extra.Slice(4, len);
                return new NewLogsChunkTag(new Guid(data[..16], bigEndian: true), BinaryPrimitives.ReadUInt64BigEndian(data[16..]));
            }
            extra = extra[(4 + len)..];
        }
        return null;
    }
}
