using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Eve.Appliance.Bench;

namespace Eve.Appliance.Cli;

/// <summary>
/// `eve-appliance bench <area>|all [--json-out FILE]`: runs the benchmarks, prints their figures with
/// the method and the machine, and (with --json-out) writes one JSON record of the run. A failing
/// area is reported and the others still run; the exit code says whether all succeeded.
/// </summary>
internal static class BenchCommand
{
    /// <summary>The areas in the order `all` runs them (cheapest first).</summary>
    public static readonly IReadOnlyList<(string Name, Func<TextWriter, CancellationToken, Task<JsonNode?>> Run)> Areas =
    [
        ("spine", async (o, ct) => await SpineBench.RunAsync(o, new SpineBench.Settings(), ct).ConfigureAwait(false)),
        ("tpm", (o, _) => Sync(TpmBench.Run, o)),
        ("partition", (o, _) => Sync(PartitionBench.Run, o)),
        ("download", (o, _) => Sync(DownloadBench.Run, o)),
        ("vm", (o, _) => Sync(VmBench.Run, o)),
        ("apps", (o, _) => Sync(AppBench.Run, o)),
        ("net", (o, _) => Sync(NetworkBench.Run, o)),
        ("baseos", (o, _) => Sync(BaseOsBench.Run, o)),
        ("telemetry", (o, _) => Sync(TelemetryBench.Run, o)),
        ("ingest", (o, _) => Sync(IngestBench.Run, o)),
        ("appnet", (o, _) => Sync(AppNetBench.Run, o)),
        ("objects", (o, _) => Sync(ObjectsBench.Run, o)),
    ];

    public const string Usage = "bench <area>|all [--json-out FILE]; areas: spine, tpm, partition, download, vm";

    public static async Task<ExitCode> RunAsync(Args args, TextWriter stdout)
    {
        var area = args.Word(1, $"benchmark area ({Usage})");
        if (area == "baseline-server")
        {
            // Internal: the raw-Kestrel baseline the spine benchmark starts as a child process.
            var dataDir = args.Require("data-dir");
            var listen = args.Require("listen");
            args.EnsureAllUsed();
            await BaselineServer.RunAsync(dataDir, listen, stdout, CancellationToken.None).ConfigureAwait(false);
            return ExitCode.Ok;
        }
        var selected = Select(area);
        var jsonOut = args.Get("json-out");
        args.EnsureAllUsed();

        var machine = MachineInfo.Read();
        stdout.WriteLine(MachineInfo.Describe(machine));
        var results = new JsonArray();
        var failed = 0;
        foreach (var (name, run) in selected)
        {
            stdout.WriteLine($"== bench {name} ==");
            var tee = new TeeTextWriter(stdout);
            var timer = Stopwatch.StartNew();
            var result = new JsonObject { ["area"] = name };
            try
            {
                result["figures"] = await run(tee, CancellationToken.None).ConfigureAwait(false);
                result["ok"] = true;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // One area's missing tool or failure must not hide the others' figures.
                failed++;
                result["ok"] = false;
                result["error"] = e.Message;
                stdout.WriteLine($"bench {name} FAILED: {e.GetType().Name}: {e.Message}");
            }
            result["seconds"] = Math.Round(timer.Elapsed.TotalSeconds, 1);
            result["output"] = tee.Kept;
            results.Add(result);
        }
        if (jsonOut != null)
        {
            var record = new JsonObject { ["startedAt"] = DateTime.UtcNow.ToString("O"), ["machine"] = machine, ["areas"] = results };
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(jsonOut))!);
            await File.WriteAllTextAsync(jsonOut, record.ToJsonString(new JsonSerializerOptions { WriteIndented = true })).ConfigureAwait(false);
            stdout.WriteLine($"results written to {jsonOut}");
        }
        return failed == 0 ? ExitCode.Ok : ExitCode.Failure;
    }

    /// <summary>The areas <paramref name="area"/> names: one, or all of them for "all".</summary>
    public static IReadOnlyList<(string Name, Func<TextWriter, CancellationToken, Task<JsonNode?>> Run)> Select(string area) =>
        area == "all" ? Areas
        : Areas.Where(a => a.Name == area).ToList() is { Count: 1 } one ? one
        : throw new UsageException($"unknown benchmark area '{area}'; {Usage}");

    private static async Task<JsonNode?> Sync(Action<TextWriter> run, TextWriter o)
    {
        // The older benchmarks block; keep them off the caller's thread.
        await Task.Run(() => run(o)).ConfigureAwait(false);
        return null;
    }
}
