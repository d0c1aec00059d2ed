using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;

namespace Eve.Appliance.Controller.Endpoints;

/// <summary>Reads a request body up to a limit, refusing larger ones with 413 before buffering them.</summary>
internal static class RequestBody
{
    public static async Task<byte[]> ReadAsync(HttpRequest request, int limit, CancellationToken ct)
    {
        if (request.ContentLength is long declared && declared > limit)
            throw ApiError.TooLarge($"body of {declared} bytes is over the {limit}-byte limit of {request.Path}");
        var reader = request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(ct).ConfigureAwait(false);
            if (read.Buffer.Length > limit)
            {
                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                throw ApiError.TooLarge($"body is over the {limit}-byte limit of {request.Path}");
            }
            if (read.IsCompleted || read.IsCanceled)
            {
                var bytes = read.Buffer.ToArray();
                reader.AdvanceTo(read.Buffer.End);
                return bytes;
            }
            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }
}
