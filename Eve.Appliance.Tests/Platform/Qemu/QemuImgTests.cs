using Eve.Appliance.Platform.Processes;
using Eve.Appliance.Platform.Qemu;

namespace Eve.Appliance.Tests.Platform.Qemu;

[TestFixture]
public sealed class QemuImgTests
{
    private readonly QemuImg _img = new(ProcessRunner.Default);
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("eve-img-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string P(string name) => Path.Combine(_dir, name);

    [Test]
    public async Task Overlay_RecordsBackingFileAndFormat_AndCanBeBigger()
    {
        await _img.CreateBlankAsync(P("base.qcow2"), QemuImageFormat.Qcow2, 64L << 20);
        await _img.CreateOverlayAsync(P("over.qcow2"), P("base.qcow2"), QemuImageFormat.Qcow2, 128L << 20);
        var info = await _img.InfoAsync(P("over.qcow2"));
        Assert.That(info.Format, Is.EqualTo("qcow2"));
        Assert.That(info.BackingFile, Is.EqualTo(P("base.qcow2")));
        Assert.That(info.BackingFormat, Is.EqualTo("qcow2"));
        Assert.That(info.VirtualSizeBytes, Is.EqualTo(128L << 20));
    }

    [Test]
    public async Task ConvertToRaw_ThenGrow_KeepsFormat()
    {
        await _img.CreateBlankAsync(P("a.qcow2"), QemuImageFormat.Qcow2, 8L << 20);
        await _img.ConvertAsync(P("a.qcow2"), P("a.raw"), QemuImageFormat.Raw, QemuImageFormat.Qcow2);
        await _img.ResizeAsync(P("a.raw"), 16L << 20);
        var info = await _img.InfoAsync(P("a.raw"));
        Assert.That(info.Format, Is.EqualTo("raw"));
        Assert.That(info.VirtualSizeBytes, Is.EqualTo(16L << 20));
        Assert.That(new FileInfo(P("a.raw")).Length, Is.EqualTo(16L << 20));
    }

    [Test]
    public async Task Shrink_IsRefused_WithTheCurrentSize()
    {
        await _img.CreateBlankAsync(P("s.qcow2"), QemuImageFormat.Qcow2, 32L << 20);
        var e = Assert.ThrowsAsync<InvalidOperationException>(() => _img.ResizeAsync(P("s.qcow2"), 16L << 20))!;
        Assert.That(e.Message, Does.Contain("would cut guest data").And.Contain((32L << 20).ToString()));
        Assert.That((await _img.InfoAsync(P("s.qcow2"))).VirtualSizeBytes, Is.EqualTo(32L << 20));
    }

    [Test]
    public async Task Check_ReportsCleanImageOk_AndCorruptImageFails()
    {
        await _img.CreateBlankAsync(P("c.qcow2"), QemuImageFormat.Qcow2, 8L << 20);
        Assert.That((await _img.CheckAsync(P("c.qcow2"))).Ok, Is.True);
        await File.WriteAllBytesAsync(P("junk.qcow2"), new byte[4096]);
        Assert.ThrowsAsync<ProcessFailedException>(() => _img.CheckAsync(P("junk.qcow2")));
    }

    [Test]
    public void Info_OnMissingFile_NamesTheFile()
    {
        var e = Assert.ThrowsAsync<ProcessFailedException>(() => _img.InfoAsync(P("nope.qcow2")))!;
        Assert.That(e.Message, Does.Contain("nope.qcow2"));
    }
}
