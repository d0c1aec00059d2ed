using System.Security.Cryptography;
using Eve.Appliance.Agent.Content;
using Eve.Appliance.Tests.Support;

namespace Eve.Appliance.Tests.Agent.Content;

/// <summary>The disk fills up during a download (a real tmpfs; the free-space check before the body
/// is told there is room, as when another writer takes the space meanwhile): the error says it is
/// the disk, not the connection, the partial is whole, and the download resumes when space returns.</summary>
[TestFixture]
public sealed class DownloaderDiskFullTests
{
    [Test]
    public async Task DiskFillingDuringDownload_IsNoSpaceInWords_AndResumesWhenSpaceReturns()
    {
        using var dir = new TempDir("download-full");
        using var disk = new TmpfsMount(dir.Sub("persist"), 4L << 20);
        await using var server = await BlobTestServer.StartAsync();
        using var http = DatastoreHttpClient.Create();
        var blob = RandomNumberGenerator.GetBytes(3 << 20);
        var sha = Convert.ToHexStringLower(SHA256.HashData(blob));
        server.Objects["images/big.qcow2"] = blob;
        var store = new BlobStore(Path.Combine(disk.Path, "content"));
        var options = new DownloaderOptions
        {
            InitialBackoff = TimeSpan.FromMilliseconds(10), MaxBackoff = TimeSpan.FromMilliseconds(50), StallTimeout = TimeSpan.FromSeconds(30),
            MaxAttempts = 2, FreeBytes = _ => long.MaxValue,
        };
        var request = new DownloadRequest(server.UriOf("images/big.qcow2"), sha, blob.Length);
        // Leave about 1 MiB: the 3 MiB blob cannot fit.
        var filler = Path.Combine(disk.Path, "filler");
        await File.WriteAllBytesAsync(filler, new byte[3 << 20]);

        var e = Assert.ThrowsAsync<ContentException>(() => new Downloader(store, http, options).DownloadAsync(request));
        Assert.That(e!.Kind, Is.EqualTo(ContentErrorKind.NoSpace), e.Message);
        Assert.That(e.Message, Does.Contain("No space left on device").And.Contain("disk filled up").And.Contain(request.Display));
        var partial = new FileInfo(store.PartialPath(sha));
        Assert.That(partial.Exists, Is.True, "the bytes that fitted are kept for the resume");
        Assert.That(partial.Length, Is.GreaterThan(0).And.LessThan(blob.Length));
        var kept = await File.ReadAllBytesAsync(partial.FullName);
        Assert.That(kept, Is.EqualTo(blob[..kept.Length]), "the partial is the blob's prefix, not garbage");
        Assert.That(store.TryGet(sha), Is.Null, "no blob until verified");

        File.Delete(filler);
        var done = await new Downloader(store, http, options).DownloadAsync(request);
        Assert.That(await File.ReadAllBytesAsync(done.Path), Is.EqualTo(blob));
        Assert.That(server.Requests.Last().Range, Does.StartWith("bytes="), "resumed, not fetched again");
    }
}
