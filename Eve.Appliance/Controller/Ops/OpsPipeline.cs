using System.Text.Json;
using Eve.Appliance.Controller.Objects;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Eve.Appliance.Controller.Ops;

/// <summary>
/// The operator API's middleware: errors as JSON ({error, problems[{field, rule}]}), and
/// authentication + roles. On the admin unix socket a request without credentials is the local
/// admin (the socket's file mode is the access control, as for the older /admin API); on the TCP
/// listener every request needs a bearer token, a registered client certificate or (for the GETs a
/// browser cannot add a header to: WebSocket, EventSource) a one-use ticket, and only /api/ops/
/// and the console's static /console/ are reachable there.
/// </summary>
internal static class OpsPipeline
{
    public const string Prefix = "/api/ops/v1";
    private const string IdentityKey = "ops.identity";

    public static OperatorIdentity Identity(this HttpContext c) =>
        c.Items.TryGetValue(IdentityKey, out var who) && who is OperatorIdentity id ? id : throw new InvalidOperationException("no operator identity on an ops request");

    private static bool IsUnixSocket(HttpContext c) => c.Connection.LocalIpAddress == null;

    /// <summary>A GET, or a WebSocket over HTTP/2 (RFC 8441), which browsers open with CONNECT instead of GET.</summary>
    private static bool IsRead(HttpContext c) =>
        HttpMethods.IsGet(c.Request.Method) || (HttpMethods.IsConnect(c.Request.Method) && c.WebSockets.IsWebSocketRequest);

    public static void UseOpsErrors(this IApplicationBuilder app, ILogger log, AuditLog audit) => app.Use(async (c, next) =>
    {
        if (!c.Request.Path.StartsWithSegments(Prefix))
        {
            // The console's static pages need no credentials (their API calls do).
            if (!IsUnixSocket(c) && !c.Request.Path.StartsWithSegments("/console")) { c.Response.StatusCode = 404; return; }
            await next(c).ConfigureAwait(false);
            return;
        }
        try
        {
            await next(c).ConfigureAwait(false);
        }
        catch (ObjectValidationException e)
        {
            Refused(c, audit, 400, e.Message);
            await WriteAsync(c, 400, new { error = e.Heading, problems = e.Problems.Select(p => new { field = p.Field, rule = p.Rule }) }).ConfigureAwait(false);
        }
        catch (ApiError e)
        {
            log.LogInformation("{Method} {Path} refused {Status}: {Reason}", c.Request.Method, c.Request.Path, e.Status, e.Message);
            Refused(c, audit, e.Status, e.Message);
            await WriteAsync(c, e.Status, new { error = e.Message }).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            await WriteAsync(c, e.StatusCode, new { error = e.Message }).ConfigureAwait(false);
        }
    });

    public static void UseOpsAuth(this IApplicationBuilder app, OperatorDirectory operators, OpsTickets tickets, AuditLog audit, ILogger log) => app.Use(async (c, next) =>
    {
        if (!c.Request.Path.StartsWithSegments(Prefix)) { await next(c).ConfigureAwait(false); return; }
        var meta = c.GetEndpoint()?.Metadata.GetMetadata<OpsRole>();
        if (meta is { Anonymous: true }) { await next(c).ConfigureAwait(false); return; }
        OperatorIdentity? who = null;
        string? failure = null;
        var header = c.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            who = operators.ByToken(header["Bearer ".Length..].Trim()) ?? Fail(out failure, "the bearer token is unknown, revoked or expired");
        else if (header.Length > 0)
            failure = "only Authorization: Bearer is understood";
        else if (IsRead(c) && c.Request.Query.TryGetValue("ticket", out var ticket))
            who = tickets.Redeem(ticket.ToString(), c.Request.Path.Value ?? "", out var why) ?? Fail(out failure, why);
        else if (await c.Connection.GetClientCertificateAsync(c.RequestAborted).ConfigureAwait(false) is { } cert)
            who = operators.ByCertificate(cert) ?? Fail(out failure, $"client certificate {cert.Subject} is not registered to an operator");
        else if (IsUnixSocket(c))
            who = new OperatorIdentity("local", Roles.Admin, "socket");
        else
            failure = "authentication required: send Authorization: Bearer <token> (POST /api/ops/v1/login gives one) or a registered client certificate";
        if (who == null)
        {
            log.LogWarning("{Method} {Path} from {Remote}: 401 {Reason}", c.Request.Method, c.Request.Path, c.Connection.RemoteIpAddress?.ToString() ?? "socket", failure);
            audit.Record(new OperatorIdentity("anonymous", "", c.Connection.RemoteIpAddress?.ToString() ?? "socket"), "denied", "", "", "", 401, $"{c.Request.Method} {c.Request.Path}: {failure}");
            c.Response.Headers.WWWAuthenticate = "Bearer";
            await WriteAsync(c, 401, new { error = failure }).ConfigureAwait(false);
            return;
        }
        var need = meta?.Role ?? (HttpMethods.IsGet(c.Request.Method) || HttpMethods.IsHead(c.Request.Method) ? Roles.Viewer : Roles.Operator);
        if (!Roles.Allows(who.Role, need))
        {
            var why = $"{who.Name} is {who.Role}; {c.Request.Method} {c.Request.Path} needs {need}";
            log.LogWarning("403 {Reason}", why);
            audit.Record(who, "denied", "", "", "", 403, why);
            await WriteAsync(c, 403, new { error = $"forbidden: {why}" }).ConfigureAwait(false);
            return;
        }
        c.Items[IdentityKey] = who;
        await next(c).ConfigureAwait(false);
    });

    private static OperatorIdentity? Fail(out string? failure, string why)
    {
        failure = why;
        return null;
    }

    /// <summary>Refused changes are audited too (reads are not: the log is of changes and denials).</summary>
    private static void Refused(HttpContext c, AuditLog audit, int status, string why)
    {
        if (IsRead(c)) return;
        var who = c.Items.TryGetValue(IdentityKey, out var x) && x is OperatorIdentity id ? id : new OperatorIdentity("anonymous", "", "");
        audit.Record(who, "refused", "", "", "", status, $"{c.Request.Method} {c.Request.Path}: {why}");
    }

    private static async Task WriteAsync(HttpContext c, int status, object body)
    {
        if (c.Response.HasStarted) return;
        c.Response.Clear();
        c.Response.StatusCode = status;
        c.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(c.Response.Body, body, OpsJson.Options, c.RequestAborted).ConfigureAwait(false);
    }
}
