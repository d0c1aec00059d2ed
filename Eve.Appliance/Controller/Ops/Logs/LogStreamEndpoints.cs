using System.Globalization;
using System.Text;
using System.Text.Json;
using Eve.Appliance.Controller.Admin;
using Eve.Appliance.Controller.Objects;
using Eve.Appliance.Controller.Telemetry;
using Eve.Appliance.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Eve.Appliance.Controller.Ops.Logs;

/// <summary>
/// Following a device's logs as Server-Sent Events: <c>GET /devices/{id}/logs/stream</c> sends one
/// <c>log</c> event per stored line (id = the line's store id, data = the line as JSON), resumes after
/// <c>Last-Event-ID</c> (header, as EventSource sends on reconnect, or <c>?lastEventId=</c>), writes a
/// comment as heartbeat while nothing arrives (so proxies and the browser keep the connection), and
/// ends when the client goes or the controller stops. Lines are read from the store, so a follower
/// sees exactly what a search would, in the same order.
/// </summary>
internal static class LogStreamEndpoints
{
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);
    private const int Batch = 500;

    public static void MapLogStream(this RouteGroupBuilder g, ObjectService svc, ControllerStore store, OpsTickets tickets, OpsSessions sessions, TimeProvider time)
    {
        g.MapPost("/devices/{id}/logs/stream/ticket", (string id, HttpContext c) =>
        {
            svc.Device(id);
            var path = c.Request.Path.Value![..^"/ticket".Length];
            var ticket = tickets.Issue(c.Identity(), path);
            return Results.Json(new { ticket, url = $"{path}?ticket={Uri.EscapeDataString(ticket)}", expiresAt = time.GetUtcNow().UtcDateTime + OpsTickets.Lifetime }, OpsJson.Options);
        }).WithTags("devices").WithMetadata(new OpsRole(Roles.Viewer))
          .WithSummary("a one-use ticket (60 s) for an EventSource on the log stream, which cannot send Authorization");

        g.MapGet("/devices/{id}/logs/stream", async (string id, string? app, string? level, string? text, string? lastEventId, int? tail, int? heartbeat, HttpContext c) =>
        {
            var device = svc.Device(id);
            if (level is { Length: > 0 } && !LogQuery.IsKnownLevel(level))
                throw ApiError.BadRequest($"level '{level}': expected one of trace, debug, info, notice, warning, error, fatal, panic");
            if (tail is < 0 or > 10_000) throw ApiError.BadRequest($"tail '{tail}': must be 0–10000 (lines before now to start with)");
            if (heartbeat is < 1 or > 300) throw ApiError.BadRequest($"heartbeat '{heartbeat}': must be 1–300 seconds");
            var query = new LogQuery(Empty(app), Empty(level), Text: Empty(text), Limit: Batch);
            var resume = c.Request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } h ? h : lastEventId;
            long after;
            if (resume is { Length: > 0 })
            {
                if (!long.TryParse(resume, NumberStyles.None, CultureInfo.InvariantCulture, out after))
                    throw ApiError.BadRequest($"Last-Event-ID '{resume}': must be the id of an event this stream sent");
            }
            else
            {
                after = Start(store, device.Id, query, tail ?? 100);
            }
            var beat = TimeSpan.FromSeconds(heartbeat ?? 15);

            var stopping = c.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            using var end = CancellationTokenSource.CreateLinkedTokenSource(c.RequestAborted, stopping);
            using var session = sessions.OpenLogStream();
            c.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            c.Response.ContentType = "text/event-stream; charset=utf-8";
            c.Response.Headers.CacheControl = "no-cache";
            c.Response.Headers["X-Accel-Buffering"] = "no";
            try
            {
                await WriteAsync(c, "retry: 3000\n\n", end.Token).ConfigureAwait(false);
                var quietSince = time.GetUtcNow();
                while (!end.IsCancellationRequested)
                {
                    var (events, last) = Next(store, device.Id, query, after);
                    after = last;
                    if (events.Length > 0)
                    {
                        await WriteAsync(c, events, end.Token).ConfigureAwait(false);
                        quietSince = time.GetUtcNow();
                        continue;
                    }
                    if (time.GetUtcNow() - quietSince >= beat)
                    {
                        await WriteAsync(c, ": heartbeat\n\n", end.Token).ConfigureAwait(false);
                        quietSince = time.GetUtcNow();
                    }
                    await Task.Delay(Poll, time, end.Token).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
            {
                // The client went (or the controller is stopping): that is how a stream ends.
            }
            return Results.Empty;
        }).WithTags("devices").Produces(200, contentType: "text/event-stream")
          .WithSummary("follow the device's log lines as Server-Sent Events (event 'log', id = line id; Last-Event-ID resumes; " +
                       "?tail=N lines before now to start with, default 100; ?heartbeat=S comment interval, default 15)");
    }

    /// <summary>The id to continue after so that the last <paramref name="tail"/> matching lines come first.</summary>
    private static long Start(ControllerStore store, string deviceId, LogQuery query, int tail)
    {
        var newest = store.Logs.Query().Where(l => l.DeviceId == deviceId).OrderByDescending(l => l.Id).Limit(1).ToList().FirstOrDefault()?.Id ?? 0;
        if (tail == 0) return newest;
        var ids = store.Logs.Query().Where(l => l.DeviceId == deviceId).OrderByDescending(l => l.Id).ToEnumerable()
            .Where(query.Matches).Take(tail).Select(l => l.Id).ToList();
        return ids.Count < tail ? 0 : ids[^1] - 1;
    }

    /// <summary>Events for the lines after <paramref name="after"/> that match, and the last id looked at
    /// (lines that do not match are passed over once, not read again on every poll).</summary>
    private static (string Text, long Last) Next(ControllerStore store, string deviceId, LogQuery query, long after)
    {
        var sb = new StringBuilder();
        var last = after;
        var sent = 0;
        foreach (var l in store.Logs.Query().Where(x => x.DeviceId == deviceId && x.Id > after).OrderBy(x => x.Id).ToEnumerable())
        {
            last = l.Id;
            if (!query.Matches(l)) continue;
            var item = new LogItem(l.Id, l.At, l.AppId ?? "", l.Severity ?? "", l.Source ?? "", l.Content ?? "");
            sb.Append("id: ").Append(l.Id.ToString(CultureInfo.InvariantCulture)).Append("\nevent: log\ndata: ")
              .Append(JsonSerializer.Serialize(item, OpsJson.Options)).Append("\n\n");
            if (++sent >= Batch) break;
        }
        return (sb.ToString(), last);
    }

    private static async Task WriteAsync(HttpContext c, string text, CancellationToken ct)
    {
        await c.Response.WriteAsync(text, ct).ConfigureAwait(false);
        await c.Response.Body.FlushAsync(ct).ConfigureAwait(false);
    }

    private static string? Empty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
