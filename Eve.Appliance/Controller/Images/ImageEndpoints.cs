using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Eve.Appliance.Controller.Images;

/// <summary>Serves the built-in datastore on the device API's TLS port: GET/HEAD
/// /api/v2/ext/images/{sha256} with HTTP Range (the device's downloader resumes with it).
/// No device signature is asked for: the content is addressed by its hash and EVE's HTTPS
/// datastores are plain GETs; an image an operator wants kept secret belongs in an authenticated
/// datastore.</summary>
internal static class ImageEndpoints
{
    public static void MapImages(this IEndpointRouteBuilder app, ImageStore store)
    {
        app.MapMethods("/" + ImageStore.UrlPath + "/{sha256}", ["GET", "HEAD"], (string sha256) =>
            store.PathOf(sha256) is { } path
                ? Results.File(path, "application/octet-stream", enableRangeProcessing: true)
                : Results.NotFound($"no image with sha256 {sha256} in the built-in datastore; add it with `ctl image add FILE`\n"));
    }
}
