using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace Eve.Appliance.Controller.Endpoints;

/// <summary>
/// Answers in EVE's media type. Every 200/201 carries Content-Type application/x-proto-binary, even
/// with an empty body, because EVE's onboarding client counts a 2xx without it as a failure (WIRE A.2).
/// </summary>
internal static class ProtoResults
{
    public const string MediaType = "application/x-proto-binary";

    public static IResult Bytes(byte[] body, int status = 200) => new ProtoResult(body, status);

    public static IResult Message(IMessage message, int status = 200) => new ProtoResult(message.ToByteArray(), status);

    public static IResult Empty(int status) => new ProtoResult([], status);

    public static IResult NotModified { get; } = Results.StatusCode(304);

    private sealed class ProtoResult(byte[] body, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = MediaType;
            context.Response.ContentLength = body.Length;
            return body.Length == 0 ? Task.CompletedTask : context.Response.Body.WriteAsync(body).AsTask();
        }
    }
}
