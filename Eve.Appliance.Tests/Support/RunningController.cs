using Eve.Appliance.Controller;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eve.Appliance.Tests.Support;

/// <summary>The real embedded controller, in-process, on a free loopback port with real TLS.</summary>
internal sealed class RunningController : IAsyncDisposable
{
    private RunningController(ControllerServer server, ControllerOptions options)
    {
        Server = server;
        Options = options;
    }

    public ControllerServer Server { get; }
    public ControllerOptions Options { get; }
    public Uri Uri => Server.DeviceApiUri!;
    public string DataDir => Options.DataDir;
    public string BootstrapDir => ControllerServer.BootstrapDir(Options.DataDir);

    public static async Task<RunningController> StartAsync(string dataDir, Func<ControllerOptions, ControllerOptions>? configure = null, ILoggerFactory? loggers = null)
    {
        var options = new ControllerOptions { DataDir = dataDir, Listen = "127.0.0.1:0", DefaultConfigIntervalSeconds = 1, ShowFirstStartCredentials = false };
        if (configure != null) options = configure(options);
        var server = new ControllerServer(options, loggers ?? NullLoggerFactory.Instance, TimeProvider.System);
        await server.StartAsync(CancellationToken.None);
        return new RunningController(server, options);
    }

    public async ValueTask DisposeAsync() => await Server.StopAsync(CancellationToken.None);
}
