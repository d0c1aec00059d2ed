using System.Globalization;
using System.Text.Json;
using Eve.Appliance.Sim;

namespace Eve.Appliance.Cli;

/// <summary>`eve-appliance sim`: a fleet of simulated EVE devices against a controller, and the figures.</summary>
internal static class SimCommand
{
    public const string Usage = """
        sim --devices N --bootstrap DIR [--controller URL] [--mode fleet|storm|poll] [--duration S] [--speedup F]
            [--connections N] [--protocol http1|http2] [--key-cache DIR] [--controller-pid PID] [--json]
          fleet: onboard, then config/metrics/info/newlogs at EVE's timers ÷ speed-up for S seconds
          storm: all N devices register at once;  poll: unchanged-config polls as fast as allowed (304s)
        """;

    public static async Task<ExitCode> RunAsync(Args args, TextWriter stdout)
    {
        var options = Parse(args);
        var json = args.Flag("json");
        args.EnsureAllUsed();
        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler cancel = (_, e) => { e.Cancel = true; cts.Cancel(); };
        Console.CancelKeyPress += cancel;
        try
        {
            var report = await new FleetSimulator(options).RunAsync(cts.Token).ConfigureAwait(false);
            if (json) stdout.WriteLine(report.ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            else report.WriteText(stdout);
            return report.Errors == 0 && report.Onboarded == options.Devices ? ExitCode.Ok : ExitCode.Failure;
        }
        finally
        {
            Console.CancelKeyPress -= cancel;
        }
    }

    public static SimOptions Parse(Args args)
    {
        var controller = args.Get("controller");
        var options = new SimOptions
        {
            Devices = Int(args, "devices") ?? throw new UsageException("option --devices is required"),
            BootstrapDir = args.Require("bootstrap"),
            Controller = controller == null ? null
                : Uri.TryCreate(controller, UriKind.Absolute, out var u) && u.Scheme == "https" ? u
                : throw new UsageException($"--controller '{controller}': expected an https:// URL"),
            Mode = args.Get("mode") switch
            {
                null or "fleet" => SimMode.Fleet,
                "storm" => SimMode.Storm,
                "poll" => SimMode.Poll,
                var m => throw new UsageException($"--mode '{m}': expected fleet, storm or poll"),
            },
            Duration = TimeSpan.FromSeconds(Double(args, "duration") ?? 30),
            Speedup = Double(args, "speedup") ?? 1,
            Connections = Int(args, "connections") ?? 64,
            Http2 = args.Get("protocol") switch
            {
                null or "http1" => false,
                "http2" => true,
                var p => throw new UsageException($"--protocol '{p}': expected http1 or http2"),
            },
            KeyCacheDir = args.Get("key-cache"),
            ControllerPid = Int(args, "controller-pid"),
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        return options;
    }

    private static int? Int(Args args, string name) => args.Get(name) is { } v
        ? int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw new UsageException($"--{name} '{v}': expected a whole number")
        : null;

    private static double? Double(Args args, string name) => args.Get(name) is { } v
        ? double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : throw new UsageException($"--{name} '{v}': expected a number")
        : null;
}
