using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Eve.Appliance.Controller.Endpoints;

/// <summary>The one place that maps refusals and bugs to HTTP answers (STYLE §1.1).</summary>
internal static class ErrorMapping
{
    public static void UseErrorMapping(this IApplicationBuilder app, ILogger log, ControllerCounters counters) =>
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (ApiError e)
            {
                counters.Refused(e.Status);
                log.LogInformation("{Method} {Path} refused {Status}: {Reason}", context.Request.Method, context.Request.Path, e.Status, e.Message);
                await WriteAsync(context, e.Status, e.Message).ConfigureAwait(false);
            }
            catch (BadHttpRequestException e)
            {
                counters.Refused(e.StatusCode);
                await WriteAsync(context, e.StatusCode, e.Message).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client went away; nothing to answer.
            }
            catch (Exception e)
            {
                counters.Refused(500);
                log.LogError(e, "{Method} {Path} failed", context.Request.Method, context.Request.Path);
                await WriteAsync(context, 500, "internal error; see the controller log").ConfigureAwait(false);
            }
        });

    private static async Task WriteAsync(HttpContext context, int status, string message)
    {
        if (context.Response.HasStarted) return;
        context.Response.Clear();
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(message + "\n").ConfigureAwait(false);
    }
}
