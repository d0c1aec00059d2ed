using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Eve.Appliance.Controller.Admin;

/// <summary>
/// The operator API, JSON over a unix socket in the data folder (DATA/run/admin.sock). The socket's
/// file mode (0600, root) is the authentication: whoever can read the data folder is the operator.
/// </summary>
internal static class AdminEndpoints
{
    public static void MapAdmin(this IEndpointRouteBuilder app, AdminService admin)
    {
        var g = app.MapGroup("/admin");
        g.MapGet("/status", () => Results.Ok(admin.Status()));
        g.MapGet("/onboard", () => Results.Ok(admin.ListOnboarding()));
        g.MapPost("/onboard", (OnboardAddRequest req) => Results.Ok(admin.AddOnboarding(req)));
        g.MapGet("/devices", () => Results.Ok(admin.ListDevices()));
        g.MapPost("/devices", (DeviceAddRequest req) => Results.Ok(admin.AddDevice(req)));
        g.MapGet("/devices/{id}", (string id) => Results.Ok(admin.GetDevice(id)));
        g.MapDelete("/devices/{id}", (string id) =>
        {
            admin.DeleteDevice(id);
            return Results.NoContent();
        });
        g.MapGet("/devices/{id}/config", (string id) => Results.Ok(admin.GetConfig(id)));
        g.MapPut("/devices/{id}/config", async (string id, HttpRequest req) =>
        {
            using var reader = new StreamReader(req.Body);
            return Results.Ok(admin.SetConfig(id, await reader.ReadToEndAsync(req.HttpContext.RequestAborted)));
        });
        g.MapGet("/devices/{id}/info", (string id) => Results.Ok(admin.Info(id)));
        g.MapGet("/devices/{id}/metrics", (string id, int? last) => Results.Ok(admin.Metrics(id, last ?? 10)));
        g.MapGet("/devices/{id}/info/history", (string id) => Results.Ok(admin.InfoHistory(id)));
        g.MapGet("/devices/{id}/metrics/series", (string id, string? since, string? tier, int? limit, string? @object) => Results.Ok(admin.Series(id, since, tier, limit ?? 10_000, @object)));
        g.MapGet("/devices/{id}/logs", (string id, string? app, string? level, string? since, string? text, long? after, int? limit) =>
            Results.Ok(admin.Logs(id, app, level, since, text, after ?? 0, limit ?? 1000)));
        // Prometheus scrapes over the same socket (e.g. via a socat or node-exporter textfile bridge):
        // no extra TCP port to secure, and the socket's mode is the access control.
        app.MapGet("/metrics", () => Results.Text(admin.PrometheusMetrics(), PrometheusText.ContentType));
    }
}
