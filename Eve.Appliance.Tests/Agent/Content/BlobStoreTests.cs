using Eve.Appliance.Agent.Content;

namespace Eve.Appliance.Tests.Agent.Content;

[TestFixture]
public sealed class BlobStoreTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("eve-blobs-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static string Hex(char c) => new(c, 64);

    private static void Put(BlobStore store, string hex, int size)
    {
        File.WriteAllBytes(store.PartialPath(hex), new byte[size]);
        store.Commit(hex);
    }

    [Test]
    public void Collect_RemovesUnreferencedBlobsAndPartials_KeepsLiveAndPinned()
    {
        var store = new BlobStore(_dir);
        Put(store, Hex('a'), 10);
        Put(store, Hex('b'), 20);
        Put(store, Hex('c'), 30);
        File.WriteAllBytes(store.PartialPath(Hex('d')), new byte[5]);
        File.WriteAllBytes(store.PartialPath(Hex('e')), new byte[7]);

        CollectResult result;
        using (store.Pin(Hex('c')))
            result = store.Collect([Hex('a'), "sha256:" + Hex('E').ToUpperInvariant()]);

        Assert.That(result.RemovedBlobs, Is.EqualTo(new[] { Hex('b') }));
        Assert.That(result.RemovedPartials, Is.EqualTo(1));
        Assert.That(result.FreedBytes, Is.EqualTo(25));
        Assert.That(store.List().Order(), Is.EqualTo(new[] { Hex('a'), Hex('c') }));
        Assert.That(File.Exists(store.PartialPath(Hex('e'))), Is.True, "a live hash keeps its partial so it resumes");

        Assert.That(store.Collect([Hex('a')]).RemovedBlobs, Is.EqualTo(new[] { Hex('c') }), "unpinned now");
    }

    [TestCase("abc")]
    [TestCase("sha512:0000")]
    [TestCase("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz")]
    public void MalformedDigest_IsRefusedWithTheExpectedForm(string digest)
    {
        var e = Assert.Throws<ContentException>(() => BlobStore.NormalizeSha256(digest))!;
        Assert.That(e.Kind, Is.EqualTo(ContentErrorKind.InvalidArgument));
        Assert.That(e.Message, Does.Contain("64 hex digits"));
    }

    [Test]
    public void Commit_MovesThePartialUnderItsHash()
    {
        var store = new BlobStore(_dir);
        File.WriteAllText(store.PartialPath(Hex('f')), "x");
        var blob = store.Commit(Hex('f'));
        Assert.That(blob, Is.EqualTo(new BlobRef(Hex('f'), Path.Combine(_dir, "blobs", "sha256", Hex('f')), 1)));
        Assert.That(File.Exists(store.PartialPath(Hex('f'))), Is.False);
    }
}
