using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Agent.Content;

namespace Eve.Appliance.Tests.Agent.Content;

[TestFixture]
public sealed class DownloaderTests
{
    private const int BlobSize = 3 << 20;
    private static readonly DownloaderOptions Fast = new()
    {
        InitialBackoff = TimeSpan.FromMilliseconds(10),
        MaxBackoff = TimeSpan.FromMilliseconds(50),
        StallTimeout = TimeSpan.FromSeconds(10),
        MaxAttempts = 4,
        MaxHashMismatchRetries = 1,
    };

    private string _dir = "";
    private BlobTestServer _server = null!;
    private HttpClient _http = null!;
    private byte[] _blob = [];
    private string _sha = "";

    [SetUp]
    public async Task SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("eve-content-").FullName;
        _server = await BlobTestServer.StartAsync();
        _http = DatastoreHttpClient.Create();
        _blob = RandomNumberGenerator.GetBytes(BlobSize);
        _sha = Convert.ToHexStringLower(SHA256.HashData(_blob));
        _server.Objects["images/app.qcow2"] = _blob;
    }

    [TearDown]
    public async Task TearDown()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private Downloader NewDownloader(DownloaderOptions? options = null, HttpClient? http = null) =>
        new(new BlobStore(_dir), http ?? _http, options ?? Fast);

    private DownloadRequest Request(long? size = BlobSize) => new(_server.UriOf("images/app.qcow2"), _sha, size);

    private void AssertNoPartial() => Assert.That(Directory.GetFiles(Path.Combine(_dir, "partial")), Is.Empty, "partial file left behind");

    private sealed class ListProgress : IProgress<DownloadProgress>
    {
        public List<DownloadProgress> Seen { get; } = [];
        public void Report(DownloadProgress value) { lock (Seen) Seen.Add(value); }
    }

    [Test]
    public async Task Download_IsVerifiedAndStoredUnderItsHash_WithProgressTo100()
    {
        var progress = new ListProgress();
        var blob = await NewDownloader().DownloadAsync(Request(), progress);
        Assert.That(blob.Path, Is.EqualTo(Path.Combine(_dir, "blobs", "sha256", _sha)));
        Assert.That(await File.ReadAllBytesAsync(blob.Path), Is.EqualTo(_blob));
        Assert.That(progress.Seen.Last(), Is.EqualTo(new DownloadProgress(_sha, BlobSize, BlobSize)));
        Assert.That(progress.Seen.Last().Percent, Is.EqualTo(100));
        Assert.That(progress.Seen.Select(p => p.BytesDone), Is.Ordered);
        AssertNoPartial();
    }

    [Test]
    public async Task ConnectionCutMidway_IsResumedWithRange()
    {
        _server.Faults.Enqueue(new ServerFault(FaultKind.Cut, AfterBytes: 1 << 20));
        var blob = await NewDownloader().DownloadAsync(Request());
        Assert.That(await File.ReadAllBytesAsync(blob.Path), Is.EqualTo(_blob));
        var requests = _server.Requests.ToArray();
        Assert.That(requests, Has.Length.EqualTo(2));
        Assert.That(requests[0].Range, Is.Null);
        Assert.That(requests[1].Range, Does.StartWith("bytes=").And.EndWith("-"));
        Assert.That(long.Parse(requests[1].Range!["bytes=".Length..^1]), Is.GreaterThan(0).And.LessThanOrEqualTo(1 << 20));
        AssertNoPartial();
    }

    [Test]
    public async Task PartialFromAnEarlierRun_IsRehashedAndOnlyTheRestFetched()
    {
        var store = new BlobStore(_dir);
        await File.WriteAllBytesAsync(store.PartialPath(_sha), _blob[..(2 << 20)]);
        var blob = await NewDownloader().DownloadAsync(Request());
        Assert.That(await File.ReadAllBytesAsync(blob.Path), Is.EqualTo(_blob));
        Assert.That(_server.Requests.Single().Range, Is.EqualTo($"bytes={2 << 20}-"));
    }

    [Test]
    public async Task ServerWithoutRangeSupport_RestartsFromZero_AndStillVerifies()
    {
        _server.IgnoreRange = true;
        var store = new BlobStore(_dir);
        await File.WriteAllBytesAsync(store.PartialPath(_sha), _blob[..(1 << 20)]);
        var blob = await NewDownloader().DownloadAsync(Request());
        Assert.That(await File.ReadAllBytesAsync(blob.Path), Is.EqualTo(_blob));
        Assert.That(_server.Requests.Single().Range, Is.EqualTo($"bytes={1 << 20}-"), "asked for the rest, got the whole object once");
    }

    [Test]
    public async Task CorruptPartial_FailsVerification_IsDeleted_AndDownloadedAfresh()
    {
        var store = new BlobStore(_dir);
        var bad = _blob[..(1 << 20)];
        bad[100] ^= 1;
        await File.WriteAllBytesAsync(store.PartialPath(_sha), bad);
        var blob = await NewDownloader().DownloadAsync(Request());
        Assert.That(await File.ReadAllBytesAsync(blob.Path), Is.EqualTo(_blob));
        Assert.That(_server.Requests.Select(r => r.Range), Is.EqualTo(new[] { $"bytes={1 << 20}-", null }));
    }

    [Test]
    public async Task WrongBytes_HashMismatch_DeletesTheBlobAndReportsBothHashes()
    {
        for (var i = 0; i < 5; i++) _server.Faults.Enqueue(new ServerFault(FaultKind.WrongBytes));
        var e = Assert.ThrowsAsync<ContentException>(() => NewDownloader().DownloadAsync(Request()))!;
        Assert.That(e.Kind, Is.EqualTo(ContentErrorKind.HashMismatch));
        Assert.That(e.Message, Does.Contain($"expected {_sha}").And.Contain("was deleted").And.Contain("gave up after 2"));
        Assert.That(_server.Requests, Has.Count.EqualTo(2), "one download plus MaxHashMismatchRetries = 1");
        Assert.That(new BlobStore(_dir).TryGet(_sha), Is.Null);
        Assert.That(Directory.GetFiles(Path.Combine(_dir, "blobs", "sha256")), Is.Empty);
        AssertNoPartial();
    }

    [Test]
    public async Task ServiceUnavailable_ThenSuccess_IsRetriedWithBackoff()
    {
        _server.Faults.Enqueue(new ServerFault(FaultKind.Status, Status: 503));
        _server.Faults.Enqueue(new ServerFault(FaultKind.Status, Status: 503));
        var blob = await NewDownloader().DownloadAsync(Request());
        Assert.That(blob.Size, Is.EqualTo(BlobSize));
        Assert.That(_server.Requests, Has.Count.EqualTo(3));
    }

    [Test]
    public void ServiceUnavailable_Persisting_GivesUpAfterMaxAttempts_AsTransient()
    {
        for (var i = 0; i < 10; i++) _server.Faults.Enqueue(new ServerFault(FaultKind.Status, Status: 503));
        var e = Assert.ThrowsAsync<ContentException>(() => NewDownloader().DownloadAsync(Request()))!;
        Assert.That(e.Kind, Is.EqualTo(ContentErrorKind.Unavailable));
        Assert.That(e.IsTransient, Is.True);
        Assert.That(e.Message, Does.Contain("503").And.Contain("gave up after 4 attempts"));
        Assert.That(_server.Requests, Has.Count.EqualTo(4));
    }

    [Test]
    public void Backoff_DoublesFromTheInitialDelay_UpToTheCap()
    {
        var d = new Downloader(new BlobStore(_dir), _http, new DownloaderOptions { InitialBackoff = TimeSpan.FromSeconds(1), MaxBackoff = TimeSpan.FromSeconds(10) });
        Assert.That(new[] { 1, 2, 3, 4, 5, 40 }.Select(d.Backoff).Select(t => t.TotalSeconds), Is.EqualTo(new[] { 1.0, 2, 4, 8, 10, 10 }));
    }

    [Test]
    public async Task Stall_IsCancelled_KeepsThePartialButNoBlob_AndTheNextCallResumes()
    {
        _server.Faults.Enqueue(new ServerFault(FaultKind.Stall, AfterBytes: 512 << 10));
        var once = Fast with { StallTimeout = TimeSpan.FromMilliseconds(300), MaxAttempts = 1 };
        var downloader = NewDownloader(once);
        var e = Assert.ThrowsAsync<ContentException>(() => downloader.DownloadAsync(Request()))!;
        Assert.That(e.Kind, Is.EqualTo(ContentErrorKind.Stalled));
        Assert.That(e.Message, Does.Contain("no bytes for 0.3 s"));
        var store = new BlobStore(_dir);
        Assert.That(store.TryGet(_sha), Is.Null, "a blob appears under its hash only when complete and verified");
        Assert.That(new FileInfo(store.PartialPath(_sha)).Length, Is.GreaterThan(0));

        // A fresh downloader with the normal stall timeout, so a loaded machine cannot stall the resume.
        var blob = await NewDownloader().DownloadAsync(Request());
        Assert.That(await File.ReadAllBytesAsync(blob.Path), Is.EqualTo(_blob));
        Assert.That(_server.Requests.Last().Range, Does.StartWith("bytes="));
    }

    [Test]
    public void NotFound_IsNotRetried()
    {
        var e = Assert.ThrowsAsync<ContentException>(() =>
            NewDownloader().DownloadAsync(new DownloadRequest(_server.UriOf("images/missing.qcow2"), _sha)))!;
        Assert.That(e.Kind, Is.EqualTo(ContentErrorKind.NotFound));
        Assert.That(e.IsTransient, Is.False);
        Assert.That(_server.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public void SizeFromTheConfig_ThatDiffersFromTheDatastore_IsRefused()
    {
        var e = Assert.ThrowsAsync<ContentException>(() => NewDownloader().DownloadAsync(Request(size: BlobSize + 1)))!;
        Assert.That(e.Kind, Is.EqualTo(ContentErrorKind.SizeMismatch));
    }

    [Test]
    public async Task BasicCredentials_AreSent_AndRefusalIsUnauthorized()
    {
        _server.RequiredAuthorization = "Basic " + Convert.ToBase64String("dev:pa55"u8);
        var e = Assert.ThrowsAsync<ContentException>(() => NewDownloader().DownloadAsync(Request() with { Credentials = new NetworkCredential("dev", "wrong") }))!;
        Assert.That(e.Kind, Is.EqualTo(ContentErrorKind.Unauthorized));
        Assert.That(e.Message, Does.Not.Contain("wrong"), "never echo a password");
        var blob = await NewDownloader().DownloadAsync(Request() with { Credentials = new NetworkCredential("dev", "pa55") });
        Assert.That(blob.Size, Is.EqualTo(BlobSize));
    }

    [Test]
    public async Task SameBlobRequestedTwiceAtOnce_IsFetchedOnce()
    {
        var downloader = NewDownloader();
        var both = await Task.WhenAll(downloader.DownloadAsync(Request()), downloader.DownloadAsync(Request()));
        Assert.That(both[0], Is.EqualTo(both[1]));
        Assert.That(_server.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task LocalFile_GoesThroughTheSameStore()
    {
        var source = Path.Combine(_dir, "usb-image.raw");
        await File.WriteAllBytesAsync(source, _blob);
        var blob = await NewDownloader().DownloadAsync(new DownloadRequest(new Uri(source), "sha256:" + _sha.ToUpperInvariant()));
        Assert.That(blob.Sha256, Is.EqualTo(_sha));
        Assert.That(await File.ReadAllBytesAsync(blob.Path), Is.EqualTo(_blob));
        var missing = Assert.ThrowsAsync<ContentException>(() =>
            NewDownloader().DownloadAsync(new DownloadRequest(new Uri(Path.Combine(_dir, "nope.raw")), new string('a', 64))))!;
        Assert.That(missing.Kind, Is.EqualTo(ContentErrorKind.NotFound));
    }

    [Test]
    public async Task Https_IsTrustedWithTheDatastoresCa_AndRefusedWithoutIt()
    {
        using var pki = new TestPki();
        await using var tls = await BlobTestServer.StartAsync(pki.Server);
        tls.Objects["images/app.qcow2"] = _blob;
        var uri = new Uri($"https://127.0.0.1:{tls.BaseUri.Port}/images/app.qcow2");

        using var untrusting = DatastoreHttpClient.Create();
        var e = Assert.ThrowsAsync<ContentException>(() => NewDownloader(http: untrusting).DownloadAsync(new DownloadRequest(uri, _sha)))!;
        Assert.That(e.Kind, Is.EqualTo(ContentErrorKind.Unauthorized));
        Assert.That(e.Message, Does.Contain("CA certificate"));

        using var trusting = DatastoreHttpClient.Create(new X509Certificate2Collection(pki.Ca));
        var blob = await NewDownloader(http: trusting).DownloadAsync(new DownloadRequest(uri, _sha));
        Assert.That(await File.ReadAllBytesAsync(blob.Path), Is.EqualTo(_blob));
    }
}
