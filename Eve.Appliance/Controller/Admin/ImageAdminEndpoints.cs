using Eve.Appliance.Controller.Images;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Eve.Appliance.Controller.Admin;

/// <summary>Operator API for the built-in datastore. `add` names a file on the controller's host
/// (the operator socket is local), which the controller copies into its store.</summary>
internal static class ImageAdminEndpoints
{
    public static void MapImageAdmin(this IEndpointRouteBuilder app, ImageStore store, Func<string> serverAddress)
    {
        var g = app.MapGroup("/admin/images");
        g.MapGet("", () => Results.Ok(store.List().Select(r => Describe(r, serverAddress()))));
        g.MapPost("", async (ImageAddRequest req, HttpContext c) =>
        {
            if (string.IsNullOrWhiteSpace(req.Path)) throw ApiError.BadRequest("path: give the image file to add");
            var record = await store.AddAsync(Path.GetFullPath(req.Path), c.RequestAborted);
            return Results.Ok(Describe(record, serverAddress()));
        });
        g.MapDelete("/{sha256}", (string sha256) =>
            store.Delete(sha256) ? Results.NoContent() : throw ApiError.NotFound($"no image with sha256 {sha256}"));
    }

    /// <summary>The image with what a device config needs: its URL and the datastore entry
    /// (dType DsHttps, fqdn = the controller, dpath = the image path) to put in `datastores`.</summary>
    private static ImageInfo Describe(ImageRecord r, string server) =>
        new(r.Sha256, r.Size, r.Name, $"https://{server}/{ImageStore.UrlPath}/{r.Sha256}",
            new ImageDatastore("DsHttps", $"https://{server}", ImageStore.UrlPath));
}
