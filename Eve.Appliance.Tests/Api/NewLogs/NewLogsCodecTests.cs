using Eve.Appliance.Platform.Hashing;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Eve.Appliance.Api.NewLogs;
using Eve.Appliance.Platform.Processes;
using Google.Protobuf.WellKnownTypes;
using Org.Lfedge.Eve.Logs;

namespace Eve.Appliance.Tests.Api.NewLogs;

[TestFixture]
public sealed class NewLogsCodecTests
{
    private static readonly LogBundleMeta VectorMeta = new("5d0767ee-0547-4569-b530-387e526f8cb9", "IMGA", "14.5.1-lts-kvm-amd64");

    [Test]
    public void Decode_VectorGivesHeaderCommentMtimeAndLines()
    {
        var payload = NewLogsCodec.Decode(VectorFiles.Bytes("newlogs_device_gzip"));
        var expected = JsonNode.Parse(VectorFiles.Json("newlogs_device_gzip"))!;
        Assert.That(payload.Header.Comment, Is.EqualTo((string)expected["gzipHeader"]!["comment"]!));
        Assert.That(payload.Header.ModTimeUnix, Is.EqualTo((uint)expected["gzipHeader"]!["MTIME"]!));
        Assert.That(payload.Header.ExtraFlags, Is.EqualTo(2));
        Assert.That(payload.Header.OperatingSystem, Is.EqualTo(255));
        Assert.That(payload.Meta, Is.EqualTo(VectorMeta));
        Assert.That(payload.AppName, Is.Null);
        var lines = expected["lines"]!.AsArray();
        Assert.That(payload.Entries, Has.Count.EqualTo(lines.Count));
        for (var i = 0; i < lines.Count; i++)
        {
            var ours = JsonNode.Parse(LogEntryJson.ToBytes(payload.Entries[i]));
            Assert.That(JsonNode.DeepEquals(ours, lines[i]), Is.True, $"line {i}: {ours?.ToJsonString()} vs {lines[i]?.ToJsonString()}");
        }
        Assert.That(payload.Entries[0].Timestamp, Is.EqualTo(new Timestamp { Seconds = 1767225601, Nanos = 123456789 }));
        Assert.That(payload.Entries[1].Msgid, Is.EqualTo(1002UL));
    }

    [Test]
    public void Encode_ReproducesVectorHeaderAndBodyBytes()
    {
        var vector = VectorFiles.Bytes("newlogs_device_gzip");
        var decoded = NewLogsCodec.Decode(vector);
        var ours = NewLogsCodec.EncodeDevice(VectorMeta, decoded.Entries, decoded.Header.ModTime);
        // Header (up to the comment's NUL) is identical; DEFLATE output may differ from Go's, the body may not.
        var headerLength = Array.IndexOf(vector, (byte)0, 10) + 1;
        Assert.That(ours[..headerLength], Is.EqualTo(vector[..headerLength]));
        Assert.That(Gunzip(ours), Is.EqualTo(Gunzip(vector)));
    }

    [Test]
    public async Task Encode_OutputReadsWithPythonGzipAndZcat()
    {
        var entries = SampleEntries(200);
        var dir = Directory.CreateTempSubdirectory("newlogs-py-");
        try
        {
            var path = Path.Combine(dir.FullName, "chunk.gz");
            await File.WriteAllBytesAsync(path, NewLogsCodec.EncodeDevice(VectorMeta, entries, DateTimeOffset.FromUnixTimeSeconds(1767225610)));
            // Python parses the header itself (gzip._read_gzip_header skips FCOMMENT) and checks CRC and ISIZE.
            var py = await ProcessRunner.Default.RunAsync("python3", ["-c",
                "import gzip,json,sys,struct\n" +
                "raw=open(sys.argv[1],'rb').read()\n" +
                "lines=gzip.decompress(raw).decode().splitlines()\n" +
                "flg=raw[3]; mtime=struct.unpack('<I',raw[4:8])[0]\n" +
                "end=raw.index(0,10); comment=json.loads(raw[10:end].decode('latin-1'))\n" +
                "print(len(lines), json.loads(lines[-1])['msgid'], flg, mtime, comment['devID'])", path]);
            Assert.That(py.Stdout.Trim(), Is.EqualTo($"200 200 16 1767225610 {VectorMeta.DevId}"));
            var zcat = await ProcessRunner.Default.RunAsync("zcat", [path]);
            Assert.That(zcat.Stdout, Is.EqualTo(Encoding.UTF8.GetString(NewLogsCodec.RenderLines(entries).WrittenSpan)));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Test]
    public void RoundTrip_DeviceAndAppVariants()
    {
        var entries = SampleEntries(50);
        var device = NewLogsCodec.Decode(NewLogsCodec.EncodeDevice(VectorMeta, entries, DateTimeOffset.FromUnixTimeSeconds(42)));
        Assert.That(device.Entries, Is.EqualTo(entries));
        Assert.That(device.Header.ModTimeUnix, Is.EqualTo(42u));
        var app = NewLogsCodec.Decode(NewLogsCodec.EncodeApp("nginx-wéb", entries, DateTimeOffset.FromUnixTimeSeconds(43), CompressionLevel.Fastest));
        Assert.That(app.AppName, Is.EqualTo("nginx-wéb"));
        Assert.That(app.Header.Comment, Is.Null);
        Assert.That(app.Meta, Is.Null);
        Assert.That(app.Header.ExtraFlags, Is.EqualTo(4));
        Assert.That(app.Entries, Is.EqualTo(entries));
    }

    [Test]
    public void Comment_EscapesAboveLatin1AndKeepsLatin1()
    {
        var meta = new LogBundleMeta("dev", "IMGA", "ver-é-€-😀");
        var comment = meta.ToComment();
        Assert.That(comment, Is.EqualTo("{\"devID\":\"dev\",\"image\":\"IMGA\",\"eveVersion\":\"ver-é-\\u20ac-\\ud83d\\ude00\"}"));
        var payload = NewLogsCodec.Decode(NewLogsCodec.EncodeDevice(meta, [], DateTimeOffset.UnixEpoch));
        Assert.That(payload.Meta, Is.EqualTo(meta));
    }

    [TestCase("a<b>&c", "\"a\\u003cb\\u003e\\u0026c\"")]
    [TestCase("tab\tnl\ncr\rbs\bff\fnul\0", "\"tab\\tnl\\ncr\\rbs\\bff\\fnul\\u0000\"")]
    [TestCase("q\"b\\", "\"q\\\"b\\\\\"")]
    [TestCase("é\u2028€", "\"é\\u2028€\"")]
    public void StringEscaping_MatchesGoEncodingJson(string input, string expected)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        GoJsonWriter.WriteString(buffer, input);
        Assert.That(Encoding.UTF8.GetString(buffer.WrittenSpan), Is.EqualTo(expected));
    }

    [Test]
    public void StringEscaping_LoneSurrogateBecomesReplacementChar()
    {
        // Built at run time: attribute strings cannot carry a lone surrogate.
        var input = "lone" + (char)0xD800 + "x";
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        GoJsonWriter.WriteString(buffer, input);
        Assert.That(Encoding.UTF8.GetString(buffer.WrittenSpan), Is.EqualTo("\"lone\ufffdx\""));
    }

    [Test]
    public void Line_OmitsEmptyFieldsAndSortsTags()
    {
        var e = new LogEntry { Source = "s", Timestamp = new Timestamp { Seconds = 5 } };
        e.Tags["z"] = "1";
        e.Tags["a"] = "2";
        Assert.That(Encoding.UTF8.GetString(LogEntryJson.ToBytes(e)),
            Is.EqualTo("{\"source\":\"s\",\"tags\":{\"a\":\"2\",\"z\":\"1\"},\"timestamp\":{\"seconds\":5}}"));
    }

    [Test]
    public void Decode_RejectsBadMagic()
    {
        var bytes = VectorFiles.Bytes("newlogs_device_gzip");
        bytes[1] = 0x8c;
        Assert.That(() => NewLogsCodec.Decode(bytes), Throws.TypeOf<NewLogsFormatException>().With.Message.Contains("magic"));
    }

    [Test]
    public void Decode_RejectsTruncationAtEveryLength()
    {
        var bytes = VectorFiles.Bytes("newlogs_device_gzip");
        for (var n = 0; n < bytes.Length; n++)
            Assert.That(() => NewLogsCodec.Decode(bytes.AsSpan(0, n)), Throws.TypeOf<NewLogsFormatException>(), $"length {n}");
    }

    [Test]
    public void Decode_RejectsBadCrc()
    {
        var bytes = VectorFiles.Bytes("newlogs_device_gzip");
        bytes[^8] ^= 0xFF;
        Assert.That(() => NewLogsCodec.Decode(bytes), Throws.TypeOf<NewLogsFormatException>().With.Message.Contains("CRC32"));
    }

    [Test]
    public void Decode_RejectsBodyOverCap()
    {
        var body = new byte[1 << 20];
        Array.Fill(body, (byte)'\n');
        var bomb = GzipMember.Write(new GzipHeader(), body);
        Assert.That(bomb, Has.Length.LessThan(4096));
        Assert.That(() => NewLogsCodec.Decode(bomb, maxBodyBytes: 64 << 10),
            Throws.TypeOf<NewLogsFormatException>().With.Message.Contains("zip bomb"));
        Assert.That(NewLogsCodec.Decode(bomb, maxBodyBytes: 1 << 20).Entries, Is.Empty);
    }

    [Test]
    public void Decode_ReadsFextraFnameAndChecksFhcrc()
    {
        // Built by hand: FLG = FHCRC|FEXTRA|FNAME|FCOMMENT, then a valid header CRC16.
        var body = NewLogsCodec.RenderLines(SampleEntries(3)).WrittenSpan.ToArray();
        var plain = GzipMember.Write(new GzipHeader { Name = "app", Comment = "{}", Extra = [1, 2, 3] }, body);
        var headerEnd = 10 + 2 + 3 + 4 + 3;
        var withCrc = new List<byte>(plain[..headerEnd]);
        withCrc[3] |= 0x02;
        var crc = (ushort)Crc32.Compute(withCrc.ToArray());
        withCrc.Add((byte)crc);
        withCrc.Add((byte)(crc >> 8));
        withCrc.AddRange(plain[headerEnd..]);
        var payload = NewLogsCodec.Decode(withCrc.ToArray());
        Assert.That(payload.Header.Extra, Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(payload.Header.HadHeaderCrc, Is.True);
        Assert.That(payload.AppName, Is.EqualTo("app"));
        Assert.That(payload.Entries, Has.Count.EqualTo(3));
        withCrc[headerEnd] ^= 1;
        Assert.That(() => NewLogsCodec.Decode(withCrc.ToArray()), Throws.TypeOf<NewLogsFormatException>().With.Message.Contains("CRC16"));
    }

    internal static List<LogEntry> SampleEntries(int count)
    {
        var list = new List<LogEntry>(count);
        for (var i = 1; i <= count; i++)
        {
            var e = new LogEntry
            {
                Severity = i % 7 == 0 ? "error" : "info", Source = "agent", Iid = "42",
                Content = $"line {i}: <tag> & \"quoted\" é € \n next", Msgid = (ulong)i,
                Timestamp = new Timestamp { Seconds = 1767225600 + i, Nanos = i * 1000 },
                Filename = "Agent/Telemetry/Foo.cs:12", Function = "Bar",
            };
            if (i % 3 == 0) e.Tags["appuuid"] = "a1b2c3d4-0001-4a5b-8c9d-0123456789ab";
            list.Add(e);
        }
        return list;
    }

    private static byte[] Gunzip(byte[] gz)
    {
        using var input = new GZipStream(new MemoryStream(gz), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }
}
