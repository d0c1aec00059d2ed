using System.Globalization;
using Eve.Appliance.Bench;

namespace Eve.Appliance.Cli;

/// <summary>`eve-appliance soak`: see <see cref="SoakRun"/>. Exit 1 when the fleet saw errors, the
/// VM app died or the appliance exited during the soak.</summary>
internal static class SoakCommand
{
    public const string Usage = "soak [--minutes M (10)] [--devices N (200)] [--speedup F (10)] [--out DIR (artifacts/soak)]";

    public static async Task<ExitCode> RunAsync(Args args, TextWriter stdout)
    {
        var settings = new SoakRun.Settings(
            TimeSpan.FromMinutes(Number(args.Get("minutes"), 10, "minutes")),
            (int)Number(args.Get("devices"), 200, "devices"),
            Number(args.Get("speedup"), 10, "speedup"),
            Path.GetFullPath(args.Get("out") ?? Path.Combine("artifacts", "soak")),
            TimeSpan.FromSeconds(10));
        args.EnsureAllUsed();
        return await SoakRun.RunAsync(stdout, settings, CancellationToken.None).ConfigureAwait(false) ? ExitCode.Ok : ExitCode.Failure;
    }

    private static double Number(string? value, double fallback, string name)
    {
        if (value == null) return fallback;
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0) return v;
        throw new UsageException($"--{name} {value}: expected a positive number");
    }
}
