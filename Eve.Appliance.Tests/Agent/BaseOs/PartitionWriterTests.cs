using System.Security.Cryptography;
using Eve.Appliance.Agent.BaseOs;
using Eve.Appliance.Platform.Gpt;
using Eve.Appliance.Tests.Platform.Gpt;

namespace Eve.Appliance.Tests.Agent.BaseOs;

[TestFixture]
public sealed class PartitionWriterTests
{
    private static readonly PartitionWriter Writer = new(TimeProvider.System);

    [Test]
    public async Task Write_PutsTheImageInTheOtherPartition_AndReportsItsSha256()
    {
        using var dir = new TempDir("pw");
        var path = dir.File("disk.img");
        await File.WriteAllBytesAsync(path, TestDisks.EveLayout().Bytes);
        var image = new byte[1_500_000];
        new Random(4).NextBytes(image);
        using var dev = FileBlockDevice.Open(path, writable: true);

        var r = await Writer.WriteAsync(dev, "IMGB", new MemoryStream(image), Convert.ToHexString(SHA256.HashData(image)));

        Assert.That(r.Sha256, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(image))));
        Assert.That(r.Bytes, Is.EqualTo(image.Length));
        Assert.That(r.WriteMBps, Is.GreaterThan(0));
        var onDisk = new byte[image.Length];
        await dev.ReadAsync(8192L * 512, onDisk);
        Assert.That(onDisk.AsSpan().SequenceEqual(image), Is.True);
    }

    [Test]
    public async Task Write_SignsOfLifeAfterEveryChunk_WrittenAndReadBack()
    {
        // The base-OS loop beats its watchdog heartbeat from here; a write of minutes must not look hung.
        var dev = TestDisks.EveLayout();
        var image = new byte[PartitionWriter.ChunkBytes + PartitionWriter.ChunkBytes / 2]; // 2 chunks
        var calls = 0;
        await Writer.WriteAsync(dev, "IMGB", new MemoryStream(image), onChunk: () => calls++);
        Assert.That(calls, Is.EqualTo(4), "2 chunks written + 2 read back");
    }

    [TestCase(true, TestName = "Write_ImageLargerThanPartition_IsRefusedBeforeWriting")]
    [TestCase(false, TestName = "Write_StreamLargerThanPartition_StopsWithAClearError")]
    public void TooLarge(bool seekable)
    {
        var dev = TestDisks.EveLayout();
        var before = (byte[])dev.Bytes.Clone();
        var image = new MemoryStream(new byte[(2 << 20) + 512]);
        Stream source = seekable ? image : new NonSeekable(image);
        var e = Assert.ThrowsAsync<InvalidOperationException>(() => Writer.WriteAsync(dev, "IMGB", source));
        Assert.That(e!.Message, Does.Contain("holds 2097152 bytes").And.Contain("IMGB"));
        if (seekable) Assert.That(dev.Bytes.AsSpan().SequenceEqual(before), Is.True, "nothing may be written");
        Assert.That(new PartitionState(TestDisks.Read(dev).Find("IMGB")!.Value.Attributes).Eve, Is.EqualTo(EvePartitionState.Unused));
    }

    [Test]
    public void Write_IntoTheActivePartition_IsRefused()
    {
        var dev = TestDisks.EveLayout();
        var e = Assert.ThrowsAsync<InvalidOperationException>(() => Writer.WriteAsync(dev, "IMGA", new MemoryStream(new byte[512])));
        Assert.That(e!.Message, Does.Contain("IMGA").And.Contain("active"));
    }

    [Test]
    public void Write_WhenTheSourceIsNotTheVerifiedImage_Fails()
    {
        var dev = TestDisks.EveLayout();
        var e = Assert.ThrowsAsync<InvalidDataException>(() =>
            Writer.WriteAsync(dev, "IMGB", new MemoryStream(new byte[4096]), expectedSha256: new string('0', 64)));
        Assert.That(e!.Message, Does.Contain("expected 0000"));
    }

    [Test]
    public void Write_WhenTheDiskReturnsOtherBytes_ReadBackCatchesIt()
    {
        var dev = new BitRotDevice(TestDisks.EveLayout());
        var e = Assert.ThrowsAsync<IOException>(() => Writer.WriteAsync(dev, "IMGB", new MemoryStream(new byte[100_000])));
        Assert.That(e!.Message, Does.Contain("read-back"));
    }

    private sealed class NonSeekable(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Flips one bit in every large read: a disk that does not keep what it is given.</summary>
    private sealed class BitRotDevice(MemoryBlockDevice inner) : IBlockDevice
    {
        public string Name => inner.Name;
        public int SectorSize => inner.SectorSize;
        public long Length => inner.Length;
        public async ValueTask ReadAsync(long offset, Memory<byte> buffer, CancellationToken ct = default)
        {
            await inner.ReadAsync(offset, buffer, ct);
            if (buffer.Length > 64 * 1024) buffer.Span[1000] ^= 1;
        }
        public ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken ct = default) => inner.WriteAsync(offset, data, ct);
        public ValueTask FlushAsync(CancellationToken ct = default) => ValueTask.CompletedTask;
        public void DropCache(long offset, long length) { }
        public void Dispose() { }
    }
}
