using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace Eve.Appliance.Controller.Ops;

/// <summary>JSON of the operator API: camelCase, unknown fields refused (a typo in a field name
/// must not silently become a default), and bodies read with an error that names the field.</summary>
internal static class OpsJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public const int MaxBody = 4 << 20;

    public static async Task<T> ReadAsync<T>(HttpRequest request)
    {
        if (request.ContentLength > MaxBody) throw ApiError.TooLarge($"body of {request.ContentLength} bytes: at most {MaxBody}");
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(request.Body, Options, request.HttpContext.RequestAborted).ConfigureAwait(false)
                ?? throw ApiError.BadRequest("body: expected a JSON object, got null");
        }
        catch (JsonException e)
        {
            var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "body" : e.Path.TrimStart('$', '.');
            throw new Objects.ObjectValidationException("the request body is not valid JSON for this object",
                [new Objects.Problem(field, FirstLine(e.Message))]);
        }
    }

    private static string FirstLine(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
