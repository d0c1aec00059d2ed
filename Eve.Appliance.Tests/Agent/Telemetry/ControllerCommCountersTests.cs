using System.Net.Sockets;
using System.Text.Json.Nodes;
using Eve.Appliance.Agent.Bootstrap;
using Eve.Appliance.Agent.ControllerConn;
using Eve.Appliance.Cli;
using Eve.Appliance.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Org.Lfedge.Eve.Metrics;

namespace Eve.Appliance.Tests.Agent.Telemetry;

/// <summary>EVE's per-URL controller-comm counters (messages and body bytes) against a real exchange
/// with the real controller over TLS, cross-checked with the bytes that crossed the socket.</summary>
[TestFixture]
public sealed class ControllerCommCountersTests
{
    private TempDir _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDir("comm-counters");

    [TearDown]
    public void TearDown() => _dir.Dispose();

    [Test]
    public async Task BodyBytes_PerUrl_MatchTheExchange_AndFailuresCountAsTries()
    {
        var controller = await RunningController.StartAsync(_dir.Sub("controller"));
        var stopped = false;
        try
        {
            RunningAgent.Provision(controller.BootstrapDir, _dir.Sub("config"));
            var bootstrap = BootstrapFolder.Load(_dir.Sub("config"), null);
            long wireWritten = 0, wireRead = 0;
            using var client = new ControllerClient(bootstrap, TimeSpan.FromSeconds(20), NullLogger.Instance, h => h.ConnectCallback = async (ctx, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(ctx.DnsEndPoint, ct);
                return new CountingStream(new NetworkStream(socket, ownsSocket: true), n => Interlocked.Add(ref wireWritten, n), n => Interlocked.Add(ref wireRead, n));
            });
            var authority = bootstrap.Server.Authority;

            var (s1, certs1) = await client.SendAsync(HttpMethod.Get, "/api/v2/edgedevice/certs", null, CancellationToken.None);
            var (s2, certs2) = await client.SendAsync(HttpMethod.Get, "/api/v2/edgedevice/certs", null, CancellationToken.None);
            var junk = new byte[1500];
            Random.Shared.NextBytes(junk);
            var (s3, refusal) = await client.SendAsync(HttpMethod.Post, "/api/v2/edgedevice/register", junk, CancellationToken.None);
            Assert.That((s1, s2), Is.EqualTo((200, 200)));
            Assert.That(s3, Is.InRange(400, 499), "a junk register is refused");
            Assert.That(certs1.Length, Is.GreaterThan(500), "the controller's certs");

            var snap = client.Comm.Snapshot("eth0");
            var certsUrl = snap.UrlMetrics.Single(u => u.Url == $"{authority}/api/v2/edgedevice/certs");
            var registerUrl = snap.UrlMetrics.Single(u => u.Url == $"{authority}/api/v2/edgedevice/register");
            Assert.Multiple(() =>
            {
                Assert.That(snap.IfName, Is.EqualTo("eth0"));
                Assert.That((snap.Success, snap.Failures), Is.EqualTo((2UL, 1UL)), "a 4xx is a failure, as in EVE");
                Assert.That(snap.LastSuccess, Is.Not.Null);
                Assert.That(snap.LastFailure, Is.Not.Null);
                Assert.That((certsUrl.SentMsgCount, certsUrl.SentByteCount), Is.EqualTo((2L, 0L)), "a GET sends no body");
                Assert.That((certsUrl.RecvMsgCount, certsUrl.RecvByteCount), Is.EqualTo((2L, (long)(certs1.Length + certs2.Length))));
                Assert.That(certsUrl.TotalTimeSpent, Is.GreaterThanOrEqualTo(0));
                Assert.That((registerUrl.TryMsgCount, registerUrl.TryByteCount), Is.EqualTo((1L, 1500L)));
                Assert.That((registerUrl.SentMsgCount, registerUrl.SentByteCount), Is.EqualTo((0L, 0L)));
                Assert.That((registerUrl.RecvMsgCount, registerUrl.RecvByteCount), Is.EqualTo((1L, (long)refusal.Length)));
                // Bodies are a part of what crossed the socket (headers and TLS add to it), never more.
                Assert.That(Interlocked.Read(ref wireWritten), Is.GreaterThan(1500));
                Assert.That(Interlocked.Read(ref wireRead), Is.GreaterThan(certs1.Length + certs2.Length + refusal.Length));
            });

            await controller.DisposeAsync();
            stopped = true;
            Assert.ThrowsAsync<ControllerUnavailableException>(() => client.SendAsync(HttpMethod.Get, "/api/v2/edgedevice/certs", null, CancellationToken.None));
            var after = client.Comm.Snapshot("eth0").UrlMetrics.Single(u => u.Url == $"{authority}/api/v2/edgedevice/certs");
            Assert.That((after.TryMsgCount, after.RecvMsgCount, after.RecvByteCount), Is.EqualTo((1L, 2L, certsUrl.RecvByteCount)), "no answer: a try, nothing received");
        }
        finally
        {
            if (!stopped) await controller.DisposeAsync();
        }
    }

    [Test]
    public async Task Agent_SendsPerUrlCounters_InItsMetrics()
    {
        await using var controller = await RunningController.StartAsync(_dir.Sub("controller"));
        RunningAgent.Provision(controller.BootstrapDir, _dir.Sub("config"));
        await using var agent = await RunningAgent.StartAsync(_dir.Sub("config"), _dir.Sub("persist"), "SN-comm-" + Guid.NewGuid().ToString("N")[..8]);
        var id = await agent.Agent.Onboarded.WaitAsync(TimeSpan.FromSeconds(60));
        using var admin = new AdminClient(controller.DataDir);
        JsonNode? zedcloud = null;
        // The second metrics report counts the first one's POST.
        await Eventually.WaitAsync(async () =>
        {
            var last = (await admin.GetAsync($"admin/devices/{id}/metrics?last=1") as JsonArray)?.FirstOrDefault();
            zedcloud = last?["message"]?["dm"]?["zedcloud"]?[0];
            return zedcloud?["urlMetrics"]?.AsArray().Any(u => u!["url"]!.GetValue<string>().EndsWith($"/id/{id}/metrics", StringComparison.Ordinal)) == true;
        }, () => "metrics with per-URL counters: " + zedcloud?.ToJsonString());
        // Keyed host:port/path as EVE does; the host is whatever the bootstrap names, so compare paths.
        var urls = zedcloud!["urlMetrics"]!.AsArray().ToDictionary(u => u!["url"]!.GetValue<string>() is var url ? url[url.IndexOf("/api/", StringComparison.Ordinal)..] : "", u => u!);
        static long L(JsonNode n, string field) => n[field] is { } v ? long.Parse(v.ToString(), System.Globalization.CultureInfo.InvariantCulture) : 0;
        var config = urls[$"/api/v2/edgedevice/id/{id}/config"];
        var metrics = urls[$"/api/v2/edgedevice/id/{id}/metrics"];
        var register = urls["/api/v2/edgedevice/register"];
        Assert.Multiple(() =>
        {
            Assert.That(L(config, "sentMsgCount"), Is.GreaterThanOrEqualTo(1));
            Assert.That(L(config, "sentByteCount"), Is.GreaterThan(100 * L(config, "sentMsgCount")), "each config request is a signed envelope");
            Assert.That(L(config, "recvByteCount"), Is.GreaterThan(100), "the config answers");
            Assert.That(L(metrics, "sentByteCount"), Is.GreaterThan(L(metrics, "sentMsgCount") * 200), "metrics reports are not small");
            Assert.That(L(register, "sentMsgCount"), Is.EqualTo(1));
            Assert.That(zedcloud!["success"]!.ToString(), Is.Not.EqualTo("0"));
            Assert.That(zedcloud["lastSuccess"], Is.Not.Null);
        });
    }

    /// <summary>Counts what crosses the socket (TLS records, headers, bodies).</summary>
    private sealed class CountingStream(Stream inner, Action<int> written, Action<int> read) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken ct) => inner.FlushAsync(ct);
        public override int Read(byte[] buffer, int offset, int count) { var n = inner.Read(buffer, offset, count); read(n); return n; }
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) { var n = await inner.ReadAsync(buffer, ct); read(n); return n; }
        public override void Write(byte[] buffer, int offset, int count) { inner.Write(buffer, offset, count); written(count); }
        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default) { await inner.WriteAsync(buffer, ct); written(buffer.Length); }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        protected override void Dispose(bool disposing) { if (disposing) inner.Dispose(); base.Dispose(disposing); }
    }
}
