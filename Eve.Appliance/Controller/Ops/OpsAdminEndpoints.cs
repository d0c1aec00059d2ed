using Eve.Appliance.Controller.Admin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Eve.Appliance.Controller.Ops;

/// <summary>Login, who-am-I, operators, tokens and the audit log.</summary>
internal static class OpsAdminEndpoints
{
    public static void MapOpsAdmin(this RouteGroupBuilder g, OperatorDirectory operators, AuditLog audit, TimeProvider time)
    {
        g.MapPost("/login", async (HttpContext c) =>
        {
            var req = await OpsJson.ReadAsync<LoginRequest>(c.Request).ConfigureAwait(false);
            if (operators.Login(req.Name, req.Password) is not { } ok)
            {
                audit.Record(new OperatorIdentity(req.Name, "", c.Connection.RemoteIpAddress?.ToString() ?? "socket"), "login", "operator", req.Name, req.Name, 401, "wrong name or password");
                throw ApiError.Unauthorized("wrong operator name or password");
            }
            audit.Record(new OperatorIdentity(ok.Operator.Name, ok.Operator.Role, "password"), "login", "operator", req.Name, req.Name, 200);
            return Results.Json(new LoginAnswer(ok.Token, ok.Operator.Name, ok.Operator.Role, time.GetUtcNow().UtcDateTime + OperatorDirectory.SessionLifetime), OpsJson.Options);
        }).WithTags("auth").WithMetadata(new OpsRole(Roles.Viewer, Anonymous: true)).Accepts<LoginRequest>("application/json").Produces<LoginAnswer>()
          .WithSummary("password login; answers a session token for Authorization: Bearer");
        g.MapGet("/whoami", (HttpContext c) => Results.Json(c.Identity(), OpsJson.Options)).WithTags("auth").Produces<OperatorIdentity>();

        var o = g.MapGroup("/operators").WithTags("operators").WithMetadata(new OpsRole(Roles.Admin));
        o.MapGet("", (HttpContext c) => Paging.Page(c, operators.List().Select(View))).Produces<List<OperatorView>>().Paged();
        o.MapPost("", async (HttpContext c) =>
        {
            var req = await OpsJson.ReadAsync<OperatorAddRequest>(c.Request).ConfigureAwait(false);
            var doc = operators.Add(req.Name, req.Role, req.Password);
            audit.Record(c.Identity(), "create", "operator", doc.Name, doc.Name, 201, $"role {doc.Role}");
            return Results.Json(View(doc), OpsJson.Options, statusCode: 201);
        }).Accepts<OperatorAddRequest>("application/json").Produces<OperatorView>(201);
        o.MapPost("/{name}/certs", async (string name, HttpContext c) =>
        {
            var req = await OpsJson.ReadAsync<CertAddRequest>(c.Request).ConfigureAwait(false);
            var thumb = operators.AddCertificate(name, req.CertPem);
            audit.Record(c.Identity(), "add-cert", "operator", name, name, 200, thumb);
            return Results.Json(new { thumbprint = thumb }, OpsJson.Options);
        }).Accepts<CertAddRequest>("application/json").WithSummary("let a client certificate log in as this operator (TLS listener)");

        var t = g.MapGroup("/tokens").WithTags("tokens").WithMetadata(new OpsRole(Roles.Admin));
        t.MapGet("", (HttpContext c) => Paging.Page(c, operators.Tokens().Select(x => new TokenView(x.Id, x.Operator, x.Role, x.Name, x.Kind, x.CreatedAt, x.ExpiresAt))))
            .Produces<List<TokenView>>().Paged();
        t.MapPost("", async (HttpContext c) =>
        {
            var req = await OpsJson.ReadAsync<TokenRequest>(c.Request).ConfigureAwait(false);
            var op = req.Operator ?? c.Identity().Name;
            TimeSpan? life = req.LifetimeHours is > 0 and var h ? TimeSpan.FromHours(h) : null;
            var token = operators.IssueToken(op, req.Role, req.Name, "api", life);
            var id = token[4..16];
            audit.Record(c.Identity(), "create", "token", id, req.Name, 201, $"for {op} as {req.Role}");
            return Results.Json(new TokenAnswer(token, id, op, req.Role, time.GetUtcNow().UtcDateTime + life), OpsJson.Options, statusCode: 201);
        }).Accepts<TokenRequest>("application/json").Produces<TokenAnswer>(201).WithSummary("make an API token (shown once; only its hash is kept)");
        t.MapDelete("/{id}", (string id, HttpContext c) =>
        {
            if (!operators.Revoke(id)) throw ApiError.NotFound($"no token {id}");
            audit.Record(c.Identity(), "delete", "token", id, "", 204);
            return Results.NoContent();
        });

        g.MapGet("/audit", (string? actor, string? kind, string? @object, string? since, HttpContext c) =>
            Paging.Page(c, audit.Query(actor, kind, @object, SinceParser.Parse(since, time.GetUtcNow().UtcDateTime))))
            .WithTags("audit").Produces<List<AuditEntry>>().Paged().WithSummary("who changed what, newest first; also refusals (400) and denials (401/403)");
    }

    private static OperatorView View(OperatorDoc d) => new(d.Name, d.Role, d.PasswordHash != "", d.CertThumbprints, d.CreatedAt);
}
