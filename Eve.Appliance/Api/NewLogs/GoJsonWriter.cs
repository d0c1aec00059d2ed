using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Eve.Appliance.Api.NewLogs;

/// <summary>Appends JSON the way Go's encoding/json.Marshal renders it, byte for byte: non-ASCII kept
/// as UTF-8, &lt; &gt; &amp; U+2028 U+2029 escaped as \u00XX/\u20XX, control bytes as \b \f \n \r \t or \u00XX,
/// invalid UTF-16 as U+FFFD. System.Text.Json's encoders differ in exactly those corners, and EVE's
/// newlogs consumers compare lines, so we write the bytes ourselves.</summary>
internal static class GoJsonWriter
{
    private static readonly byte[] Hex = "0123456789abcdef"u8.ToArray();

    public static void WriteString(IBufferWriter<byte> w, ReadOnlySpan<char> s, bool escapeAboveLatin1 = false)
    {
        var span = w.GetSpan(s.Length * 6 + 2);
        var n = 0;
        span[n++] = (byte)'"';
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c < 0x80)
            {
                switch (c)
                {
                    case '"': span[n++] = (byte)'\\'; span[n++] = (byte)'"'; continue;
                    case '\\': span[n++] = (byte)'\\'; span[n++] = (byte)'\\'; continue;
                    case '\b': span[n++] = (byte)'\\'; span[n++] = (byte)'b'; continue;
                    case '\f': span[n++] = (byte)'\\'; span[n++] = (byte)'f'; continue;
                    case '\n': span[n++] = (byte)'\\'; span[n++] = (byte)'n'; continue;
                    case '\r': span[n++] = (byte)'\\'; span[n++] = (byte)'r'; continue;
                    case '\t': span[n++] = (byte)'\\'; span[n++] = (byte)'t'; continue;
                }
                if (c < 0x20 || c == '<' || c == '>' || c == '&') n += WriteUnicodeEscape(span[n..], c);
                else span[n++] = (byte)c;
                continue;
            }
            if (c == '\u2028' || c == '\u2029') { n += WriteUnicodeEscape(span[n..], c); continue; }
            int codePoint = c;
            var units = 1;
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                codePoint = char.ConvertToUtf32(c, s[i + 1]);
                units = 2;
            }
            else if (char.IsSurrogate(c))
            {
                codePoint = 0xFFFD; // what Go does with invalid UTF-8
            }
            if (escapeAboveLatin1 && codePoint > 0xFF)
            {
                // The gzip comment is Latin-1 on the wire: keep the JSON value, spell it in ASCII.
                if (units == 2) { n += WriteUnicodeEscape(span[n..], c); n += WriteUnicodeEscape(span[n..], s[i + 1]); }
                else n += WriteUnicodeEscape(span[n..], (char)codePoint);
            }
            else
            {
                n += new Rune(codePoint).EncodeToUtf8(span[n..]);
            }
            i += units - 1;
        }
        span[n++] = (byte)'"';
        w.Advance(n);
    }

    public static void WriteRaw(IBufferWriter<byte> w, ReadOnlySpan<byte> utf8)
    {
        utf8.CopyTo(w.GetSpan(utf8.Length));
        w.Advance(utf8.Length);
    }

    public static void WriteNumber(IBufferWriter<byte> w, ulong value)
    {
        var span = w.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out var written);
        w.Advance(written);
    }

    public static void WriteNumber(IBufferWriter<byte> w, long value)
    {
        var span = w.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out var written);
        w.Advance(written);
    }

    private static int WriteUnicodeEscape(Span<byte> span, char c)
    {
        span[0] = (byte)'\\';
        span[1] = (byte)'u';
        span[2] = Hex[c >> 12];
        span[3] = Hex[(c >> 8) & 0xF];
        span[4] = Hex[(c >> 4) & 0xF];
        span[5] = Hex[c & 0xF];
        return 6;
    }
}
