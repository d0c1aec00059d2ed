using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Eve.Appliance.Tests.Agent.Apps;

/// <summary>A plain HTTP datastore on loopback serving one folder (with Range), for datastore
/// failure tests: it can be started on a port that was refused before.</summary>
internal sealed class StaticDatastore : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StaticDatastore(WebApplication app) => _app = app;

    public static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public static async Task<StaticDatastore> StartAsync(string folder, int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.MapGet("/files/{name}", (string name) =>
        {
            var path = Path.Combine(folder, Path.GetFileName(name));
            return File.Exists(path) ? Results.File(path, "application/octet-stream", enableRangeProcessing: true) : Results.NotFound();
        });
        await app.StartAsync();
        return new StaticDatastore(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
