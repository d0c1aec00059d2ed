using Eve.Appliance.Platform.Hashing;
using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Eve.Appliance.Api.NewLogs;

/// <summary>Writes and reads one RFC 1952 gzip member with header fields (FNAME, FCOMMENT, FEXTRA).
/// .NET's GZipStream can neither write nor expose those fields, so the header and trailer are done
/// here and only the DEFLATE body goes through <see cref="DeflateStream"/>.</summary>
internal static class GzipMember
{
    private const byte FlagHeaderCrc = 0x02, FlagExtra = 0x04, FlagName = 0x08, FlagComment = 0x10;
    private const int FixedHeaderSize = 10, TrailerSize = 8;

    public static void Write(Stream output, GzipHeader header, ReadOnlySpan<byte> body,
        CompressionLevel level = CompressionLevel.SmallestSize)
    {
        var flags = (byte)((header.Extra != null ? FlagExtra : 0) | (header.Name != null ? FlagName : 0)
            | (header.Comment != null ? FlagComment : 0));
        Span<byte> fixedHeader = stackalloc byte[FixedHeaderSize];
        fixedHeader[0] = 0x1f;
        fixedHeader[1] = 0x8b;
        fixedHeader[2] = 8; // CM = deflate
        fixedHeader[3] = flags;
        BinaryPrimitives.WriteUInt32LittleEndian(fixedHeader[4..], header.ModTimeUnix);
        fixedHeader[8] = header.ExtraFlags;
        fixedHeader[9] = header.OperatingSystem;
        output.Write(fixedHeader);
        if (header.Extra != null)
        {
            if (header.Extra.Length > ushort.MaxValue)
                throw new ArgumentException($"gzip FEXTRA is {header.Extra.Length} bytes; the limit is 65535", nameof(header));
            Span<byte> xlen = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(xlen, (ushort)header.Extra.Length);
            output.Write(xlen);
            output.Write(header.Extra);
        }
        if (header.Name != null) WriteLatin1Zero(output, header.Name, "FNAME");
        if (header.Comment != null) WriteLatin1Zero(output, header.Comment, "FCOMMENT");
        using (var deflate = new DeflateStream(output, level, leaveOpen: true)) deflate.Write(body);
        Span<byte> trailer = stackalloc byte[TrailerSize];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, Crc32.Compute(body));
        BinaryPrimitives.WriteUInt32LittleEndian(trailer[4..], (uint)body.Length); // ISIZE is size mod 2^32
        output.Write(trailer);
    }

    public static byte[] Write(GzipHeader header, ReadOnlySpan<byte> body, CompressionLevel level = CompressionLevel.SmallestSize)
    {
        using var ms = new MemoryStream(body.Length / 4 + 128);
        Write(ms, header, body, level);
        return ms.ToArray();
    }

    /// <summary>Parses the header, inflates the body (at most <paramref name="maxBodyBytes"/>, so a
    /// small upload cannot expand into gigabytes) and checks CRC32 and ISIZE.</summary>
    public static (GzipHeader Header, byte[] Body) Read(ReadOnlySpan<byte> data, int maxBodyBytes)
    {
        var (header, headerSize) = ReadHeader(data);
        if (data.Length < headerSize + TrailerSize)
            throw new NewLogsFormatException($"gzip member is truncated: {data.Length} bytes, header alone takes {headerSize} and the trailer 8");
        var trailer = data[^TrailerSize..];
        var storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        var storedSize = BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]);
        // Trust ISIZE only as a hint for the buffer; the cap and the CRC decide.
        var body = Inflate(data[headerSize..^TrailerSize], maxBodyBytes, (int)Math.Min(storedSize, (uint)maxBodyBytes));
        var crc = Crc32.Compute(body);
        if (crc != storedCrc)
            throw new NewLogsFormatException($"gzip CRC32 mismatch: trailer says {storedCrc:x8}, body gives {crc:x8}; the data is truncated or corrupt");
        if ((uint)body.Length != storedSize)
            throw new NewLogsFormatException($"gzip ISIZE mismatch: trailer says {storedSize} bytes, body has {body.Length}; the data is truncated or corrupt");
        return (header, body);
    }

    private static (GzipHeader, int) ReadHeader(ReadOnlySpan<byte> data)
    {
        if (data.Length < FixedHeaderSize)
            throw new NewLogsFormatException($"gzip member is truncated: {data.Length} bytes, the fixed header alone is 10");
        if (data[0] != 0x1f || data[1] != 0x8b)
            throw new NewLogsFormatException($"not gzip: magic is {data[0]:x2} {data[1]:x2}, expected 1f 8b");
        if (data[2] != 8)
            throw new NewLogsFormatException($"gzip compression method {data[2]} is not deflate (8)");
        var flags = data[3];
        if ((flags & 0xE0) != 0)
            throw new NewLogsFormatException($"gzip header has reserved flag bits set (FLG={flags:x2})");
        var pos = FixedHeaderSize;
        byte[]? extra = null;
        if ((flags & FlagExtra) != 0)
        {
            if (data.Length < pos + 2) throw Truncated("FEXTRA length");
            int xlen = BinaryPrimitives.ReadUInt16LittleEndian(data[pos..]);
            pos += 2;
            if (data.Length < pos + xlen) throw Truncated("FEXTRA");
            extra = data.Slice(pos, xlen).ToArray();
            pos += xlen;
        }
        string? name = null, comment = null;
        if ((flags & FlagName) != 0) name = ReadLatin1Zero(data, ref pos, "FNAME");
        if ((flags & FlagComment) != 0) comment = ReadLatin1Zero(data, ref pos, "FCOMMENT");
        if ((flags & FlagHeaderCrc) != 0)
        {
            if (data.Length < pos + 2) throw Truncated("FHCRC");
            var stored = BinaryPrimitives.ReadUInt16LittleEndian(data[pos..]);
            var actual = (ushort)Crc32.Compute(data[..pos]);
            if (stored != actual)
                throw new NewLogsFormatException($"gzip header CRC16 mismatch: stored {stored:x4}, computed {actual:x4}");
            pos += 2;
        }
        var header = new GzipHeader
        {
            ModTimeUnix = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]), ExtraFlags = data[8], OperatingSystem = data[9],
            Name = name, Comment = comment, Extra = extra, HadHeaderCrc = (flags & FlagHeaderCrc) != 0,
        };
        return (header, pos);
    }

    private static byte[] Inflate(ReadOnlySpan<byte> deflated, int maxBodyBytes, int sizeHint)
    {
        var compressed = ArrayPool<byte>.Shared.Rent(deflated.Length);
        try
        {
            deflated.CopyTo(compressed);
            using var input = new MemoryStream(compressed, 0, deflated.Length, writable: false);
            using var inflate = new DeflateStream(input, CompressionMode.Decompress);
            // A forged ISIZE must not make us allocate the whole cap up front: DEFLATE expands at most
            // ~1032:1, so start from what the input can really produce and grow.
            var output = new byte[Math.Max(256, (int)Math.Min(sizeHint, (long)deflated.Length * 1032 + 256))];
            var length = 0;
            while (true)
            {
                if (length == output.Length)
                {
                    if (length >= maxBodyBytes)
                    {
                        // One more byte proves the body really is over the cap.
                        if (inflate.ReadByte() < 0) break;
                        throw new NewLogsFormatException($"gzip body inflates to more than {maxBodyBytes} bytes (the cap); refusing it as a possible zip bomb");
                    }
                    Array.Resize(ref output, (int)Math.Min((long)output.Length * 2, maxBodyBytes));
                }
                int n;
                try
                {
                    n = inflate.Read(output, length, output.Length - length);
                }
                catch (InvalidDataException e)
                {
                    throw new NewLogsFormatException($"gzip DEFLATE data is corrupt after {length} inflated bytes: {e.Message}", e);
                }
                if (n == 0) break;
                length += n;
            }
            if (length != output.Length) Array.Resize(ref output, length);
            return output;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compressed);
        }
    }

    private static void WriteLatin1Zero(Stream output, string text, string field)
    {
        foreach (var c in text)
        {
            if (c == '\0' || c > '\u00FF')
                throw new ArgumentException($"gzip {field} must be ISO 8859-1 without NUL; found U+{(int)c:X4} in \"{text}\"");
        }
        output.Write(Encoding.Latin1.GetBytes(text));
        output.WriteByte(0);
    }

    private static string ReadLatin1Zero(ReadOnlySpan<byte> data, ref int pos, string field)
    {
        var end = data[pos..].IndexOf((byte)0);
        if (end < 0) throw Truncated(field + " (no terminating NUL)");
        var text = Encoding.Latin1.GetString(data.Slice(pos, end));
        pos += end + 1;
        return text;
    }

    private static NewLogsFormatException Truncated(string what) => new($"gzip header is truncated in {what}");
}
