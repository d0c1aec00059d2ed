using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Eve.Appliance.Controller.Ops.Vnc;

/// <summary>
/// The browser side of the VNC console: noVNC's ES modules from Debian's <c>novnc</c> package,
/// served as they are installed (at /console/novnc/, so its relative imports resolve), and the
/// console's own vnc.html + vnc.js from the executable. noVNC is not copied into the repository:
/// the distribution keeps it patched. When the package is missing the files answer 404 with what to
/// install, and the page shows that.
/// </summary>
internal static class NoVncFiles
{
    public const string DebianDir = "/usr/share/novnc";
    public const string Missing = "noVNC is not installed on this controller: install Debian's 'novnc' package (it provides " + DebianDir + "/core/rfb.js), then reload the page";

    public static void MapNoVnc(this IEndpointRouteBuilder app, string root = DebianDir)
    {
        var top = Path.GetFullPath(root).TrimEnd('/') + "/";
        app.MapGet("/console/novnc/{**path}", (string? path) =>
        {
            if (!File.Exists(Path.Combine(top, "core", "rfb.js"))) return Results.Text(Missing, "text/plain; charset=utf-8", statusCode: 404);
            var full = Path.GetFullPath(Path.Combine(top, path ?? ""));
            if (!full.StartsWith(top, StringComparison.Ordinal) || !File.Exists(full))
                return Results.Text($"no file '{path}' in noVNC ({root})", "text/plain; charset=utf-8", statusCode: 404);
            return Results.File(full, ContentType(full));
        });
        // The console's generic /console/ handler serves these too; naming them here keeps the VNC
        // page working on its own.
        foreach (var name in new[] { "vnc.html", "vnc.js", "vnc.css" })
            app.MapGet($"/console/{name}", () => Embedded(name));
    }

    private static IResult Embedded(string name)
    {
        var stream = typeof(NoVncFiles).Assembly.GetManifestResourceStream($"console/{name}");
        return stream == null
            ? Results.Text($"console file {name} is not in this build", "text/plain; charset=utf-8", statusCode: 404)
            : Results.Stream(stream, ContentType(name));
    }

    private static string ContentType(string path) => Path.GetExtension(path) switch
    {
        // Module scripts are refused by browsers unless served as JavaScript.
        ".js" => "text/javascript; charset=utf-8",
        ".html" => "text/html; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".json" => "application/json",
        _ => "application/octet-stream",
    };
}
