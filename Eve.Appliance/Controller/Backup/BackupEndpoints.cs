using Eve.Appliance.Controller.Ops;
using Eve.Appliance.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Eve.Appliance.Controller.Backup;

/// <summary>POST /api/ops/v1/backup {"out": DIR}: a backup of the running controller into a folder
/// on its host (admin only; `eve-appliance backup` calls it when the controller is up).</summary>
internal static class BackupEndpoints
{
    public sealed record BackupRequest(string Out);

    public static void MapBackup(this RouteGroupBuilder g, string dataDir, ControllerStore store, AuditLog audit, TimeProvider time) =>
        g.MapPost("/backup", async (HttpContext c) =>
        {
            var req = await OpsJson.ReadAsync<BackupRequest>(c.Request).ConfigureAwait(false);
            if (string.IsNullOrWhiteSpace(req.Out) || !Path.IsPathRooted(req.Out)) throw ApiError.BadRequest("out: an absolute folder path on the controller's host");
            BackupManifest manifest;
            try
            {
                manifest = ControllerBackup.Create(dataDir, store, req.Out, time);
            }
            catch (IOException e)
            {
                throw ApiError.Conflict(e.Message);
            }
            audit.Record(c.Identity(), "backup", "controller", "", req.Out, 200, $"{manifest.Files.Count} files");
            return Results.Json(manifest, OpsJson.Options);
        }).WithTags("backup").WithMetadata(new OpsRole(Roles.Admin)).Accepts<BackupRequest>("application/json").Produces<BackupManifest>()
          .WithSummary("export store, PKI and images to a folder on the controller host");
}
