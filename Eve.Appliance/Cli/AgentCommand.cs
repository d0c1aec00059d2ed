using Eve.Appliance.Agent;
using Eve.Appliance.Agent.Reporting;
using Eve.Appliance.Hosting;
using Microsoft.Extensions.Hosting;

namespace Eve.Appliance.Cli;

/// <summary>`eve-appliance agent`: only the device runtime, against any EVE controller.</summary>
internal static class AgentCommand
{
    public static async Task<ExitCode> RunAsync(Args args)
    {
        var options = new AgentOptions
        {
            ConfigDir = Path.GetFullPath(args.Require("config-dir")),
            PersistDir = Path.GetFullPath(args.Require("persist-dir")),
            Serial = args.Get("serial"),
            ControllerUrl = args.Get("controller") is { } url ? new Uri(url) : null,
            ConfigIntervalOverride = Seconds(args.Get("config-interval")),
            MetricsIntervalOverride = Seconds(args.Get("metric-interval")),
            Tpm = args.Get("tpm") ?? "auto",
        };
        args.EnsureAllUsed();
        var capture = new AgentLogCapture();
        var builder = ServiceRegistration.NewHost(Path.Combine(options.PersistDir, "logs"), capture);
        builder.Services.AddApps();
        Agent.Node.MaintenanceServices.AddMaintenanceMode(builder.Services);
        builder.Services.AddAgent(_ => options, capture);
        using var host = builder.Build();
        await host.RunAsync().ConfigureAwait(false);
        return ExitCode.Ok;
    }

    public static TimeSpan? Seconds(string? value) =>
        value == null ? null
        : double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var s) && s > 0 ? TimeSpan.FromSeconds(s)
        : throw new UsageException($"'{value}' is not a number of seconds");
}
