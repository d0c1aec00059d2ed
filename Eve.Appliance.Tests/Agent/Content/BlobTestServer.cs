using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Eve.Appliance.Tests.Agent.Content;

internal enum FaultKind
{
    /// <summary>Send this many bytes of the body, then drop the connection.</summary>
    Cut,
    /// <summary>Send this many bytes, then send nothing more while keeping the connection open.</summary>
    Stall,
    /// <summary>Answer with <see cref="ServerFault.Status"/> and no body.</summary>
    Status,
    /// <summary>Serve the object with one byte flipped.</summary>
    WrongBytes,
    /// <summary>Send this many bytes, then hold the connection until <see cref="BlobTestServer.Release"/>
    /// completes, then drop it (a test looks at the client mid-transfer, then cuts it).</summary>
    Hold,
}

internal sealed record ServerFault(FaultKind Kind, long AfterBytes = 0, int Status = 503);

internal sealed record SeenRequest(string Path, string? Range, string? Authorization, string Query = "");

/// <summary>A real HTTP(S) datastore on 127.0.0.1 (Kestrel) that serves byte ranges and injects
/// faults in the order they are queued, one per request.</summary>
internal sealed class BlobTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BlobTestServer(WebApplication app) => _app = app;

    public Uri BaseUri { get; private set; } = new("http://127.0.0.1/");
    public ConcurrentDictionary<string, byte[]> Objects { get; } = new();
    public ConcurrentQueue<ServerFault> Faults { get; } = new();
    /// <summary>Faults for one path only, taken before <see cref="Faults"/>.</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<ServerFault>> PathFaults { get; } = new();
    /// <summary>Completing it lets a <see cref="FaultKind.Hold"/> go on (to its cut).</summary>
    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>Content-Length to announce for a path instead of the object's (the body is then cut).</summary>
    public ConcurrentDictionary<string, long> DeclaredLengths { get; } = new();
    /// <summary>Bytes per second for every body (0: as fast as possible).</summary>
    public long BytesPerSecond { get; set; }
    /// <summary>Bytes of bodies written, over all requests.</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);
    private long _bytesSent;
    public ConcurrentQueue<SeenRequest> Requests { get; } = new();
    public string? RequiredAuthorization { get; set; }
    /// <summary>WWW-Authenticate value sent with a 401 (an OCI registry's Bearer challenge).</summary>
    public string? Challenge { get; set; }
    /// <summary>Answer every request with the whole object (200), as servers without Range support do.</summary>
    public bool IgnoreRange { get; set; }
    /// <summary>Paths served without authorization (a token endpoint).</summary>
    public HashSet<string> OpenPaths { get; } = [];

    public Uri UriOf(string path) => new(BaseUri, path);

    public static async Task<BlobTestServer> StartAsync(X509Certificate2? serverCertificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (serverCertificate is not null) listen.UseHttps(serverCertificate);
        }));
        var app = builder.Build();
        var server = new BlobTestServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUri = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        return server;
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value!.TrimStart('/');
        var range = ctx.Request.Headers.Range.ToString();
        var auth = ctx.Request.Headers.Authorization.ToString();
        Requests.Enqueue(new SeenRequest(path, range.Length == 0 ? null : range, auth.Length == 0 ? null : auth, ctx.Request.QueryString.Value ?? ""));
        if (RequiredAuthorization is { } required && auth != required && !OpenPaths.Contains(path))
        {
            ctx.Response.StatusCode = 401;
            if (Challenge is { } challenge) ctx.Response.Headers.WWWAuthenticate = challenge;
            return;
        }
        if (!Objects.TryGetValue(path, out var data))
        {
            ctx.Response.StatusCode = 404;
            return;
        }
        if (DeclaredLengths.TryGetValue(path, out var declared))
        {
            ctx.Response.ContentLength = declared;
            await ctx.Response.Body.FlushAsync();
            // Headers only: the client decides on them and closes; then the body is cut short.
            try { await Task.Delay(TimeSpan.FromSeconds(60), ctx.RequestAborted); }
            catch (OperationCanceledException) { }
            ctx.Abort();
            return;
        }
        ServerFault? fault = null;
        if (!(PathFaults.TryGetValue(path, out var forPath) && forPath.TryDequeue(out fault))) Faults.TryDequeue(out fault);
        if (fault?.Kind == FaultKind.Status)
        {
            ctx.Response.StatusCode = fault.Status;
            return;
        }
        if (fault?.Kind == FaultKind.WrongBytes)
        {
            data = (byte[])data.Clone();
            data[data.Length / 2] ^= 0xFF;
        }
        long from = 0;
        if (!IgnoreRange && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
            from = long.Parse(range["bytes=".Length..^1]);
        if (from > data.Length)
        {
            ctx.Response.StatusCode = 416;
            return;
        }
        if (from > 0)
        {
            ctx.Response.StatusCode = 206;
            ctx.Response.Headers.ContentRange = $"bytes {from}-{data.Length - 1}/{data.Length}";
        }
        ctx.Response.ContentLength = data.Length - from;
        var body = data.AsMemory((int)from);
        if (fault?.Kind is FaultKind.Cut or FaultKind.Stall or FaultKind.Hold)
        {
            await WriteAsync(ctx, body[..(int)fault.AfterBytes]);
            await ctx.Response.Body.FlushAsync();
            if (fault.Kind == FaultKind.Hold)
            {
                try { await Release.Task.WaitAsync(ctx.RequestAborted); }
                catch (OperationCanceledException) { }
            }
            if (fault.Kind is FaultKind.Cut or FaultKind.Hold)
            {
                ctx.Abort();
                return;
            }
            try { await Task.Delay(Timeout.Infinite, ctx.RequestAborted); }
            catch (OperationCanceledException) { }
            return;
        }
        await WriteAsync(ctx, body);
    }

    private async Task WriteAsync(HttpContext ctx, ReadOnlyMemory<byte> body)
    {
        if (BytesPerSecond <= 0)
        {
            await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted);
            Interlocked.Add(ref _bytesSent, body.Length);
            return;
        }
        // 20 slices a second at the asked rate.
        int slice = (int)Math.Max(1, BytesPerSecond / 20);
        for (int at = 0; at < body.Length; at += slice)
        {
            var part = body.Slice(at, Math.Min(slice, body.Length - at));
            await ctx.Response.Body.WriteAsync(part, ctx.RequestAborted);
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            Interlocked.Add(ref _bytesSent, part.Length);
            await Task.Delay(50, ctx.RequestAborted);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
