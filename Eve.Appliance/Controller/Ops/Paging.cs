using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Eve.Appliance.Controller.Ops;

/// <summary>
/// Paging of every list endpoint: <c>?limit=N&amp;offset=M</c> (default 200, at most 1000), the body
/// stays a JSON array; the total goes in <c>X-Total-Count</c> and the next page in an RFC 8288
/// <c>Link: &lt;…&gt;; rel="next"</c> (absent on the last page), so a client pages by following
/// links and never has to know the defaults.
/// </summary>
internal static class Paging
{
    public const int DefaultLimit = 200;
    public const int MaxLimit = 1000;
    public const string TotalHeader = "X-Total-Count";

    /// <summary>Endpoint metadata that marks a paged list, so the OpenAPI document describes it.</summary>
    internal sealed record PagedList;

    public static TBuilder Paged<TBuilder>(this TBuilder b) where TBuilder : IEndpointConventionBuilder =>
        b.WithMetadata(new PagedList());

    /// <summary>The page of <paramref name="all"/> the query asks for, with X-Total-Count and Link set;
    /// a limit or offset that is not a whole number in range is a 400 naming the parameter.</summary>
    public static IResult Page<T>(HttpContext c, IEnumerable<T> all)
    {
        var (limit, offset) = Parse(c.Request.Query);
        var list = all as IReadOnlyList<T> ?? all.ToList();
        var page = list.Skip(offset).Take(limit).ToList();
        c.Response.Headers[TotalHeader] = list.Count.ToString(CultureInfo.InvariantCulture);
        if (offset + page.Count < list.Count)
            c.Response.Headers.Link = $"<{NextUri(c.Request, limit, offset + page.Count)}>; rel=\"next\"";
        return Results.Json(page, OpsJson.Options);
    }

    public static (int Limit, int Offset) Parse(IQueryCollection query) =>
        (Number(query, "limit", DefaultLimit, 1, MaxLimit), Number(query, "offset", 0, 0, int.MaxValue));

    private static int Number(IQueryCollection query, string name, int fallback, int min, int max)
    {
        if (!query.TryGetValue(name, out var values)) return fallback;
        if (values.Count != 1 || !int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
            throw ApiError.BadRequest($"{name} '{values}': must be a whole number from {min} to {(max == int.MaxValue ? "2147483647" : max.ToString(CultureInfo.InvariantCulture))}");
        return n;
    }

    /// <summary>The same path and filters with the next offset; relative to the host, so it is right
    /// on the socket and behind any name the client used.</summary>
    private static string NextUri(HttpRequest r, int limit, int offset)
    {
        var sb = new StringBuilder(r.PathBase.Add(r.Path).ToUriComponent()).Append('?');
        foreach (var (key, values) in r.Query)
        {
            if (key is "limit" or "offset") continue;
            foreach (var v in values) sb.Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(v ?? "")).Append('&');
        }
        return sb.Append("limit=").Append(limit.ToString(CultureInfo.InvariantCulture))
            .Append("&offset=").Append(offset.ToString(CultureInfo.InvariantCulture)).ToString();
    }

    /// <summary>Adds limit/offset and the two response headers to every operation marked <see cref="PagedList"/>.</summary>
    public static void Document(OpenApiOptions o) => o.AddOperationTransformer((op, context, _) =>
    {
        if (!context.Description.ActionDescriptor.EndpointMetadata.OfType<PagedList>().Any()) return Task.CompletedTask;
        op.Parameters ??= [];
        op.Parameters.Add(Parameter("limit", $"page size, 1–{MaxLimit} (default {DefaultLimit})", DefaultLimit, 1, MaxLimit));
        op.Parameters.Add(Parameter("offset", "how many items to skip (default 0)", 0, 0, null));
        if (op.Responses?.TryGetValue("200", out var ok) == true && ok is OpenApiResponse response)
        {
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            response.Headers[TotalHeader] = new OpenApiHeader
            {
                Description = "how many items match, over all pages",
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
            };
            response.Headers["Link"] = new OpenApiHeader
            {
                Description = "RFC 8288 link to the next page (rel=\"next\"); absent on the last page",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            };
        }
        return Task.CompletedTask;
    });

    private static OpenApiParameter Parameter(string name, string description, int fallback, int min, int? max) => new()
    {
        Name = name,
        In = ParameterLocation.Query,
        Description = description + "; an invalid value is a 400 naming the parameter",
        Schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Integer,
            Minimum = min.ToString(CultureInfo.InvariantCulture),
            Maximum = max?.ToString(CultureInfo.InvariantCulture),
            Default = System.Text.Json.Nodes.JsonValue.Create(fallback),
        },
    };
}
