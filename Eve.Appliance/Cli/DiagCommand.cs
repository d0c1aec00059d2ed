using Eve.Appliance.Agent.Bootstrap;
using Eve.Appliance.Agent.Connectivity;
using Eve.Appliance.Platform.Processes;

namespace Eve.Appliance.Cli;

/// <summary>`eve-appliance diag`: the device's connectivity in words (EVE's diag). Reads the agent's
/// DPC list and status; with <c>--mgmt-netns</c> also probes every management port now.</summary>
internal static class DiagCommand
{
    public const string Usage = """
        eve-appliance diag (--data-dir DIR | --persist-dir DIR --config-dir DIR) [--mgmt-netns NS] [--controller URL] [--timeout SECONDS]
          DPC in use and why, per-port addresses, DNS, proxy and controller reachability.
          Exit code 0 when the controller is reachable through a port, 1 when not.
        """;

    public static async Task<ExitCode> RunAsync(Args args, TextWriter stdout)
    {
        var data = args.Get("data-dir");
        var persist = Path.GetFullPath(args.Get("persist-dir") ?? (data != null ? Path.Combine(data, "device", "persist") : throw new UsageException("diag needs --data-dir or --persist-dir")));
        var config = Path.GetFullPath(args.Get("config-dir") ?? (data != null ? Path.Combine(data, "device", "config") : throw new UsageException("diag needs --config-dir with --persist-dir")));
        var netns = args.Get("mgmt-netns");
        var controllerArg = args.Get("controller");
        var timeout = AgentCommand.Seconds(args.Get("timeout")) ?? TimeSpan.FromSeconds(5);
        args.EnsureAllUsed();
        Uri? controller = null;
        BootstrapFolder? bootstrap = null;
        // The run layout with the embedded controller has no upstream to test; an agent's /config names it.
        if (controllerArg != null || data == null)
        {
            bootstrap = BootstrapFolder.Load(config, controllerArg != null ? new Uri(controllerArg) : null);
            controller = bootstrap.Server;
        }
        var report = new DiagReport(persist, netns, controller, bootstrap?.Roots, bootstrap?.TlsRoots, timeout, ProcessRunner.Default, TimeProvider.System);
        return await report.WriteAsync(stdout, CancellationToken.None) ? ExitCode.Ok : ExitCode.Failure;
    }
}
