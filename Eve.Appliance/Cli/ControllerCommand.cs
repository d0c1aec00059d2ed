using Eve.Appliance.Controller;
using Eve.Appliance.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Eve.Appliance.Cli;

/// <summary>`eve-appliance controller`: only the embedded controller.</summary>
internal static class ControllerCommand
{
    public static async Task<ExitCode> RunAsync(Args args)
    {
        var options = Options(args);
        var metricsListen = args.Get("metrics-listen") is { } listen ? Controller.Admin.MetricsListener.Endpoint(listen, args.Flag("metrics-listen-any")) : null;
        args.EnsureAllUsed();
        var builder = ServiceRegistration.NewHost(Path.Combine(options.DataDir, "logs"));
        builder.Services.AddController(options);
        if (metricsListen != null) builder.Services.AddHostedService(_ => Controller.Admin.MetricsListener.ForAdminSocket(metricsListen, options.DataDir));
        using var host = builder.Build();
        await host.RunAsync().ConfigureAwait(false);
        return ExitCode.Ok;
    }

    public static ControllerOptions Options(Args args, string? dataDir = null) => new()
    {
        DataDir = Path.GetFullPath(dataDir ?? args.Require("data-dir")),
        Listen = args.Get("listen") ?? "127.0.0.1:8443",
        ServerName = args.Get("server-name") ?? "localhost",
        EnforceIntegrityToken = args.Flag("enforce-integrity"),
        OpsListen = args.Get("ops-listen"),
        LocalProfileListen = args.Get("lps-listen"),
    };
}
