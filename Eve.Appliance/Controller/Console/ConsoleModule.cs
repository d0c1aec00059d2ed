using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

// Not "…Controller.Console": that namespace would shadow System.Console for every controller file.
namespace Eve.Appliance.Controller.WebConsole;

/// <summary>
/// The web console: static HTML, CSS and ES modules embedded in the executable (resources
/// "console/&lt;path&gt;"), served at /console/ on the operator listener, / redirecting there. No
/// build step and nothing on disk: the page talks to /api/ops/v1 with the operator's bearer token.
/// Every answer carries a strict Content-Security-Policy (own scripts and styles only, no inline
/// code, no framing) and an ETag, so a browser revalidates instead of running a stale script.
/// </summary>
internal static class ConsoleModule
{
    public const string Prefix = "/console";
    private const string ResourcePrefix = "console/";

    /// <summary>Same-origin only; 'self' in connect-src covers the ops API, its event streams and
    /// the VNC WebSocket on the same listener. Inline SVG built from the DOM needs no exception.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private static readonly FrozenDictionary<string, ConsoleAsset> Assets = Load(typeof(ConsoleModule).Assembly);

    /// <summary>Before the ops middleware: answers /, /console and /console/* and passes the rest on.</summary>
    public static void UseConsole(this IApplicationBuilder app) => app.Use(async (c, next) =>
    {
        var path = c.Request.Path;
        if (path == "/" || path == Prefix)
        {
            c.Response.Redirect(Prefix + "/");
            return;
        }
        // noVNC's files come from Debian's package on disk (Ops/Vnc/NoVncFiles), not from our resources.
        if (!path.StartsWithSegments(Prefix, out var rest) || rest.StartsWithSegments("/novnc"))
        {
            await next(c).ConfigureAwait(false);
            return;
        }
        await ServeAsync(c, rest.Value is null or "/" ? "index.html" : rest.Value[1..]).ConfigureAwait(false);
    });

    private static async Task ServeAsync(HttpContext c, string name)
    {
        var h = c.Response.Headers;
        h.ContentSecurityPolicy = ContentSecurityPolicy;
        h.XContentTypeOptions = "nosniff";
        h.XFrameOptions = "DENY";
        h["Referrer-Policy"] = "no-referrer";
        if (!HttpMethods.IsGet(c.Request.Method) && !HttpMethods.IsHead(c.Request.Method))
        {
            c.Response.StatusCode = 405;
            h.Allow = "GET, HEAD";
            return;
        }
        if (!Assets.TryGetValue(name, out var asset))
        {
            c.Response.StatusCode = 404;
            c.Response.ContentType = "text/plain; charset=utf-8";
            await c.Response.WriteAsync($"no console file '{name}'\n", c.RequestAborted).ConfigureAwait(false);
            return;
        }
        // Revalidate every time (cheap: a 304), so an upgraded appliance never runs yesterday's module.
        h.CacheControl = "no-cache";
        h.ETag = asset.ETag;
        if (c.Request.Headers.IfNoneMatch.Contains(asset.ETag))
        {
            c.Response.StatusCode = 304;
            return;
        }
        c.Response.ContentType = asset.ContentType;
        c.Response.ContentLength = asset.Bytes.Length;
        if (HttpMethods.IsHead(c.Request.Method)) return;
        await c.Response.Body.WriteAsync(asset.Bytes, c.RequestAborted).ConfigureAwait(false);
    }

    private static FrozenDictionary<string, ConsoleAsset> Load(Assembly assembly)
    {
        var assets = new Dictionary<string, ConsoleAsset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal)) continue;
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var name = resource[ResourcePrefix.Length..].Replace('\\', '/');
            assets[name] = new ConsoleAsset(bytes, ContentTypeOf(name), $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..20]}\"");
        }
        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name).ToLowerInvariant() switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" or ".mjs" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".ico" => "image/x-icon",
        ".json" => "application/json; charset=utf-8",
        ".woff2" => "font/woff2",
        _ => "application/octet-stream",
    };
}
