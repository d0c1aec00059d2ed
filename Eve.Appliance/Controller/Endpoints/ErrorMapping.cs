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
            catch (Exception e) when (Store.StorageWatch.IsDiskFull(e))
            {
                // Not a bug: the persist folder is full. Nothing was stored (LiteDB's journal write
                // failed before commit), so the device is told to come back later, as EVE retries.
                counters.Refused(503);
                counters.Storage.RecordFull(e);
                log.LogError("{Method} {Path} refused: no space left on device in {Dir} ({Reason})", context.Request.Method, context.Request.Path, counters.Storage.DataDir, e.Message);
                await WriteAsync(context, 503, "no space left on device on the controller's storage; nothing was stored; retry later", retryAfterSeconds: 60).ConfigureAwait(false);
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

    private static async Task WriteAsync(HttpContext context, int status, string message, int? retryAfterSeconds = null)
    {
        if (context.Response.HasStarted) return;
        context.Response.Clear();
        if (retryAfterSeconds is { } seconds) context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(message + "\n").ConfigureAwait(false);
    }
}
