using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Eve.Appliance.Controller.Admin;

/// <summary>`--metrics-listen ADDR:PORT`: the Prometheus text of the admin socket's /metrics, also on a
/// TCP port for a scraper that cannot read a unix socket. It has no authentication, so it listens
/// only on a loopback address unless the operator says otherwise (--metrics-listen-any).</summary>
internal sealed class MetricsListener(IPEndPoint endpoint, Func<CancellationToken, Task<string>> render) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>http://ADDR:PORT once started (the real port when 0 was asked for).</summary>
    public Uri? Uri { get; private set; }

    /// <summary>Parses ADDR:PORT and refuses a non-loopback address without <paramref name="allowNonLoopback"/>.</summary>
    public static IPEndPoint Endpoint(string listen, bool allowNonLoopback)
    {
        if (!IPEndPoint.TryParse(listen, out var ep) || ep.Port == 0 && !listen.EndsWith(":0", StringComparison.Ordinal))
            throw new Cli.UsageException($"--metrics-listen '{listen}': expected ADDR:PORT, e.g. 127.0.0.1:9464");
        if (!IPAddress.IsLoopback(ep.Address) && !allowNonLoopback)
            throw new Cli.UsageException($"--metrics-listen {listen}: /metrics has no authentication, so it listens only on loopback (127.0.0.1, ::1); add --metrics-listen-any to serve it on {ep.Address} anyway");
        return ep;
    }

    public async Task StartAsync(CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(endpoint));
        var app = builder.Build();
        app.MapGet("/metrics", async (HttpContext c) => Results.Text(await render(c.RequestAborted).ConfigureAwait(false), PrometheusText.ContentType));
        await app.StartAsync(ct).ConfigureAwait(false);
        _app = app;
        var address = app.Services.GetService(typeof(IServer)) is IServer server ? server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() : null;
        Uri = address != null ? new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)) : null;
    }

    public async Task StopAsync(CancellationToken ct)
    {
        if (_app != null) await _app.StopAsync(ct).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app != null) await _app.DisposeAsync().ConfigureAwait(false);
    }
}
