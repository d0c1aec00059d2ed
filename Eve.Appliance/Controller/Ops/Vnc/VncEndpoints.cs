using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Eve.Appliance.Controller.Ops.Vnc;

/// <summary>
/// An app's VNC console over a WebSocket: <c>POST /apps/{id}/vnc/ticket</c> (operator, bearer or
/// client cert) answers a one-use ticket for <c>GET /apps/{id}/vnc?ticket=…</c>, the WebSocket a
/// browser opens (it cannot add an Authorization header to one); other clients may instead send
/// Authorization: Bearer on the upgrade itself. The relay connects to the app's VNC TCP endpoint
/// first, so an app that is not reachable is a readable 502 rather than a WebSocket that closes.
/// Each session's start and end are audited, as are refusals.
/// </summary>
internal static class VncEndpoints
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    public static void MapVnc(this RouteGroupBuilder g, VncLocator locator, OpsTickets tickets, AuditLog audit, OpsSessions sessions, TimeProvider time, ILogger log)
    {
        g.MapPost("/apps/{id}/vnc/ticket", (string id, string? device, HttpContext c) =>
        {
            var target = locator.Locate(id, device);
            var path = c.Request.Path.Value![..^"/ticket".Length];
            var ticket = tickets.Issue(c.Identity(), path);
            var url = $"{path}?ticket={Uri.EscapeDataString(ticket)}" + (device is { Length: > 0 } ? $"&device={Uri.EscapeDataString(device)}" : "");
            return Results.Json(new VncTicket(ticket, url, time.GetUtcNow().UtcDateTime + OpsTickets.Lifetime, target.AppName, target.DeviceName, target.Password), OpsJson.Options);
        }).WithTags("apps").WithMetadata(new OpsRole(Roles.Operator)).Produces<VncTicket>()
          .WithSummary("a one-use ticket (60 s) for the app's VNC WebSocket; the answer has the URL to open and the VNC password, if the app has one");

        async Task<IResult> Relay(string id, string? device, HttpContext c)
        {
            var who = c.Identity();
            if (!c.WebSockets.IsWebSocketRequest)
                throw ApiError.BadRequest("GET /apps/{id}/vnc is a WebSocket: open it with a WebSocket client (Upgrade: websocket)");
            VncEndpoint target;
            try
            {
                target = locator.Locate(id, device);
            }
            catch (ApiError e)
            {
                audit.Record(who, "vnc-refused", "apps", id, id, e.Status, e.Message);
                throw;
            }
            using var vnc = new Socket(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                using var connecting = CancellationTokenSource.CreateLinkedTokenSource(c.RequestAborted);
                connecting.CancelAfter(ConnectTimeout);
                await vnc.ConnectAsync(target.Host, target.Port, connecting.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException && !c.RequestAborted.IsCancellationRequested)
            {
                var why = $"cannot reach app '{target.AppName}''s VNC at {target} ({target.Why}): {(e is SocketException s ? s.SocketErrorCode.ToString() : "no answer in 10 s")}; is the app running with VNC on?";
                audit.Record(who, "vnc-refused", "apps", target.AppId, target.AppName, 502, why);
                throw new ApiError(502, why);
            }
            var protocol = c.WebSockets.WebSocketRequestedProtocols.Contains("binary") ? "binary" : null;
            using var ws = await c.WebSockets.AcceptWebSocketAsync(protocol).ConfigureAwait(false);
            using var session = sessions.OpenVnc();
            audit.Record(who, "vnc-open", "apps", target.AppId, target.AppName, 101, $"device {target.DeviceName}, {target}");
            log.LogInformation("VNC console of app {App} on device {Device} ({Endpoint}) opened by {Who}", target.AppName, target.DeviceName, target, who);
            var started = Stopwatch.GetTimestamp();
            // The controller stopping ends the session too, rather than holding up its shutdown.
            var stopping = c.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            using var end = CancellationTokenSource.CreateLinkedTokenSource(c.RequestAborted, stopping);
            var totals = await VncRelay.RunAsync(ws, vnc, end.Token).ConfigureAwait(false);
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds.ToString("F0", CultureInfo.InvariantCulture);
            audit.Record(who, "vnc-close", "apps", target.AppId, target.AppName, 200,
                $"device {target.DeviceName}, {seconds} s, {totals.FromApp} bytes to the browser, {totals.ToApp} to the app");
            return Results.Empty;
        }

        g.MapGet("/apps/{id}/vnc", Relay).WithTags("apps").WithMetadata(new OpsRole(Roles.Operator))
          .WithSummary("WebSocket relay to the app's VNC display (RFB); authenticate with ?ticket= from POST …/vnc/ticket or Authorization: Bearer");
        // The same over HTTP/2 (RFC 8441): browsers open a WebSocket with CONNECT when the server offers it.
        // OpenAPI has no CONNECT operation, so the document shows the GET.
        g.MapMethods("/apps/{id}/vnc", [HttpMethods.Connect], Relay).WithMetadata(new OpsRole(Roles.Operator)).ExcludeFromDescription();
    }
}

