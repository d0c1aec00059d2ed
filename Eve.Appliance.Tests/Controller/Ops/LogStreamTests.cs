using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Eve.Appliance.Api.Envelope;
using Eve.Appliance.Api.NewLogs;
using Eve.Appliance.Tests.Support;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Org.Lfedge.Eve.Logs;

namespace Eve.Appliance.Tests.Controller.Ops;

/// <summary>Following a device's logs as Server-Sent Events, with the real controller and a device
/// posting newlogs over HTTPS.</summary>
[TestFixture]
public sealed class LogStreamTests
{
    [Test]
    public async Task Follow_SendsStoredLines_ThenNewOnes_Heartbeats_AndEndsWhenTheClientGoes()
    {
        await using var bed = await OpsBed.StartAsync();
        await PostLogsAsync(bed, ("info", "first"), ("error", "second"));

        var sessions = bed.Controller.Server.Ops!.Sessions;
        using (var resp = await OpenAsync(bed.Local.Client, $"api/ops/v1/devices/{bed.DeviceId}/logs/stream?heartbeat=1"))
        {
            Assert.That(resp.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(resp.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/event-stream"));
            using var sse = new SseReader(await resp.Content.ReadAsStreamAsync());
            var a = await sse.NextEventAsync();
            var b = await sse.NextEventAsync();
            Assert.That(a.Event, Is.EqualTo("log"));
            Assert.That(Content(a), Is.EqualTo("first"));
            Assert.That(Content(b), Is.EqualTo("second"));
            Assert.That(long.Parse(b.Id!), Is.GreaterThan(long.Parse(a.Id!)));
            Assert.That(JsonNode.Parse(b.Data!)!["severity"]!.GetValue<string>(), Is.EqualTo("error"));

            await PostLogsAsync(bed, ("warning", "third"));
            var c = await sse.NextEventAsync();
            Assert.That(Content(c), Is.EqualTo("third"), "a line stored after the stream opened is sent");
            Assert.That(long.Parse(c.Id!), Is.GreaterThan(long.Parse(b.Id!)));

            SseReader.Block beat;
            do beat = await sse.NextAsync(); while (beat.Comment == null);
            Assert.That(beat.Comment, Is.EqualTo("heartbeat"));
            Assert.That(sessions.LogStreams, Is.EqualTo(1));
        }
        await Eventually.WaitAsync(() => sessions.LogStreams == 0, "the stream to end after its client went");
    }

    [Test]
    public async Task Follow_ResumesAfterLastEventId_Filters_AndStartsFromTail()
    {
        await using var bed = await OpsBed.StartAsync();
        await PostLogsAsync(bed, ("info", "one"), ("error", "two"), ("info", "three"));
        var stream = $"api/ops/v1/devices/{bed.DeviceId}/logs/stream";
        string firstId;
        using (var resp = await OpenAsync(bed.Local.Client, stream))
        using (var sse = new SseReader(await resp.Content.ReadAsStreamAsync()))
            firstId = (await sse.NextEventAsync()).Id!;

        using (var resp = await OpenAsync(bed.Local.Client, stream, lastEventId: firstId))
        using (var sse = new SseReader(await resp.Content.ReadAsStreamAsync()))
        {
            Assert.That(Content(await sse.NextEventAsync()), Is.EqualTo("two"), "resumed after the last event seen");
            Assert.That(Content(await sse.NextEventAsync()), Is.EqualTo("three"));
        }

        using (var resp = await OpenAsync(bed.Local.Client, stream + "?level=error"))
        using (var sse = new SseReader(await resp.Content.ReadAsStreamAsync()))
        {
            Assert.That(Content(await sse.NextEventAsync()), Is.EqualTo("two"));
            await PostLogsAsync(bed, ("info", "quiet"), ("error", "loud"));
            Assert.That(Content(await sse.NextEventAsync()), Is.EqualTo("loud"), "the info line in between is filtered out");
        }

        using (var resp = await OpenAsync(bed.Local.Client, stream + "?tail=1&text=QUIET"))
        using (var sse = new SseReader(await resp.Content.ReadAsStreamAsync()))
            Assert.That(Content(await sse.NextEventAsync()), Is.EqualTo("quiet"), "tail=1 with a text filter: the last matching line");

        Assert.That((await bed.Local.GetAsync(stream + "?level=loudest")).Status, Is.EqualTo(HttpStatusCode.BadRequest));
        using var bad = await OpenAsync(bed.Local.Client, stream, lastEventId: "yesterday");
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await bad.Content.ReadAsStringAsync(), Does.Contain("Last-Event-ID"));
    }

    [Test]
    public async Task EventSourceTicket_OpensTheStreamOnce_OverTheTlsListener()
    {
        await using var bed = await OpsBed.StartAsync(tls: true);
        using var admin = OpsHttp.Tls(bed.OpsPort!.Value, bed.Controller.Server.Ops!.FirstStart!.Token);
        var url = (await admin.OkAsync(HttpMethod.Post, $"api/ops/v1/devices/{bed.DeviceId}/logs/stream/ticket"))["url"]!.GetValue<string>();
        using var anonymous = OpsHttp.Tls(bed.OpsPort!.Value);
        using (var resp = await OpenAsync(anonymous.Client, url))
        {
            Assert.That(resp.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            using var sse = new SseReader(await resp.Content.ReadAsStreamAsync());
            Assert.That((await sse.NextAsync()).Retry, Is.EqualTo("3000"));
        }
        using var again = await OpenAsync(anonymous.Client, url);
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await again.Content.ReadAsStringAsync(), Does.Contain("one-use"));
        using var noTicket = await OpenAsync(anonymous.Client, $"api/ops/v1/devices/{bed.DeviceId}/logs/stream");
        Assert.That(noTicket.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    private static async Task<HttpResponseMessage> OpenAsync(HttpClient http, string path, string? lastEventId = null)
    {
        using var req = new HttpRequestMessage(HttpMethod.Get, path);
        req.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId != null) req.Headers.Add("Last-Event-ID", lastEventId);
        return await http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead);
    }

    private static string Content(SseReader.Block b) => JsonNode.Parse(b.Data!)!["content"]!.GetValue<string>();

    private static async Task PostLogsAsync(OpsBed bed, params (string Severity, string Content)[] lines)
    {
        var d = bed.Device;
        var now = DateTime.UtcNow;
        var entries = lines.Select(l => new LogEntry { Severity = l.Severity, Source = "test", Content = l.Content, Timestamp = Timestamp.FromDateTime(now) }).ToList();
        var gz = NewLogsCodec.EncodeDevice(new LogBundleMeta(d.Id!, "IMGA", "1.0"), entries, DateTimeOffset.UtcNow);
        var (status, _, _) = await d.PostAsync($"/api/v2/edgedevice/id/{d.Id}/newlogs", AuthContainers.Seal(gz, d.Signer).ToByteArray());
        Assert.That(status, Is.EqualTo(HttpStatusCode.Created));
    }
}
