using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Eve.Appliance.Controller.Admin;

/// <summary>`--metrics-listen ADDR:PORT`: the Prometheus text of the admin socket's /metrics, also on a
/// TCP port for a scraper that cannot read a unix socket. It has no authentication, so it listens
/// only on a loopback address unless the operator says otherwise (--metrics-listen-any).</summary>
internal sealed class MetricsListener(IPEndPoint endpoint, Func<CancellationToken, Task<string>> render) : IHostedService, IAsyncDisposable
{
    private IPEndPoint _endpoint = endpoint;
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

    /// <summary>The listener `run` and `controller` start for <c>--metrics-listen</c>: it serves what the
    /// admin socket of the controller in <paramref name="dataDir"/> answers on /metrics.</summary>
    public static MetricsListener ForAdminSocket(IPEndPoint endpoint, string dataDir) => new(endpoint, async ct =>
    {
        using var admin = new Cli.AdminClient(dataDir);
        return await admin.GetTextAsync("metrics").ConfigureAwait(false);
    });

    public async Task StartAsync(CancellationToken ct)
    {
        if (_endpoint.Port == 0)
        {
            // Port 0 (tests): take a free port first, so Uri is known without asking Kestrel.
            using var probe = new System.Net.Sockets.TcpListener(_endpoint.Address, 0);
            probe.Start();
            _endpoint = new IPEndPoint(_endpoint.Address, ((IPEndPoint)probe.LocalEndpoint).Port);
        }
        var builder = Hosting.WebHostBuilder.CreateSlim();
        builder.Logging.ClearProviders();
        var bound = _endpoint;
        builder.WebHost.ConfigureKestrel(k => k.Listen(bound));
        var app = builder.Build();
        // Not a lambda over HttpContext: that would bind as a RequestDelegate and drop the IResult.
        app.MapGet("/metrics", async (CancellationToken aborted) => Results.Text(await render(aborted).ConfigureAwait(false), PrometheusText.ContentType));
        await app.StartAsync(ct).ConfigureAwait(false);
        _app = app;
        Uri = new Uri($"http://{_endpoint}/");
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
