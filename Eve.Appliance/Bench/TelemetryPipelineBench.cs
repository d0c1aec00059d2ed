using System.Globalization;
using Eve.Appliance.Sim;

namespace Eve.Appliance.Bench;

/// <summary>What the telemetry pipeline costs a real agent: `eve-appliance controller` and `eve-appliance
/// agent` as separate processes on loopback TLS, EVE's default timers (metrics 60 s, info on change and
/// every 600 s, config poll 60 s, log segments 5 min, uploads paced as newlogd), no apps. CPU and RSS of
/// each process are read from /proc over a window after a warm-up, first idle (what the device pays for
/// its own reporting), then with the agent logging 100 lines/s (`--log-drill 100`). The controller's
/// ingest capacity is its CPU per stored line over that window, turned into lines/s per core.
/// EVE_BENCH_TELEMETRY_SECONDS sets the window (default 120 s: two metrics periods).</summary>
internal static class TelemetryPipelineBench
{
    public static void Run(TextWriter output)
    {
        var window = TimeSpan.FromSeconds(double.TryParse(Environment.GetEnvironmentVariable("EVE_BENCH_TELEMETRY_SECONDS"), CultureInfo.InvariantCulture, out var s) && s > 0 ? s : 120);
        output.WriteLine($"telemetry pipeline (separate controller and agent processes, EVE default timers, window {window.TotalSeconds:0} s after 20 s warm-up; /proc/PID/stat and status)");
        var idleControllerCpu = TimeSpan.Zero;
        foreach (var rate in new[] { 0, 100 })
        {
            var r = MeasureAsync(rate, window).GetAwaiter().GetResult();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  agent {(rate == 0 ? "idle (telemetry only)" : $"+ {rate} log lines/s"),-24}: CPU {r.AgentCpu.TotalMilliseconds / window.TotalSeconds / 10:0.00} % of a core " +
                $"({r.AgentCpu.TotalMilliseconds / window.TotalSeconds:0.0} ms/s), RSS {r.AgentRss / 1048576.0:0.0} MiB (peak {r.AgentPeak / 1048576.0:0.0}); " +
                $"controller CPU {r.ControllerCpu.TotalMilliseconds / window.TotalSeconds:0.0} ms/s, RSS {r.ControllerRss / 1048576.0:0.0} MiB; {r.LinesStored:N0} lines stored in the window"));
            if (rate > 0 && r.LinesStored > 0)
            {
                var cpuPerLine = (r.ControllerCpu - idleControllerCpu).TotalMilliseconds / r.LinesStored;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  controller ingest: {cpuPerLine * 1000:0.0} us CPU per stored line over idle (HTTPS, envelope, gunzip, LiteDB) => about {(cpuPerLine > 0 ? 1000 / cpuPerLine : double.PositiveInfinity):N0} lines/s per core"));
            }
            if (rate == 0) idleControllerCpu = r.ControllerCpu;
        }
    }

    private sealed record Result(TimeSpan AgentCpu, long AgentRss, long AgentPeak, TimeSpan ControllerCpu, long ControllerRss, long LinesStored);

    private static async Task<Result> MeasureAsync(int linesPerSecond, TimeSpan window)
    {
        var dir = Directory.CreateTempSubdirectory("eve-telemetry-bench-").FullName;
        var port = SpineBench.FreePort();
        try
        {
            var data = Path.Combine(dir, "controller");
            using var controller = ChildProcess.StartSelf("controller", "--data-dir", data, "--listen", $"127.0.0.1:{port}");
            ChildProcess? agent = null;
            try
            {
                await WaitAsync(() => File.Exists(Path.Combine(data, "run", "admin.sock")), controller, "controller up").ConfigureAwait(false);
                var config = Path.Combine(dir, "config");
                Directory.CreateDirectory(config);
                foreach (var f in Directory.GetFiles(Path.Combine(data, "bootstrap"))) File.Copy(f, Path.Combine(config, Path.GetFileName(f)));
                string[] args = ["agent", "--config-dir", config, "--persist-dir", Path.Combine(dir, "persist"), "--serial", $"SN-bench-{linesPerSecond}", "--tpm", "none",
                    "--controller", $"https://127.0.0.1:{port}/"];
                agent = ChildProcess.StartSelf(linesPerSecond > 0 ? [.. args, "--log-drill", linesPerSecond.ToString(CultureInfo.InvariantCulture)] : args);
                await agent.WaitForLineAsync("applied config version", TimeSpan.FromMinutes(3), CancellationToken.None).ConfigureAwait(false);
                await Task.Delay(TimeSpan.FromSeconds(20)).ConfigureAwait(false);
                var (_, mark) = await LinesAsync(data, 0).ConfigureAwait(false);
                var (a0, c0) = (Usage(agent), Usage(controller));
                await Task.Delay(window).ConfigureAwait(false);
                var (a1, c1) = (Usage(agent), Usage(controller));
                var (stored, _) = await LinesAsync(data, mark).ConfigureAwait(false);
                return new Result(a1.Cpu - a0.Cpu, a1.RssBytes, a1.PeakRssBytes, c1.Cpu - c0.Cpu, c1.RssBytes, stored);
            }
            finally
            {
                if (agent != null)
                {
                    await agent.StopAsync().ConfigureAwait(false);
                    agent.Dispose();
                }
                await controller.StopAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static ProcessUsage Usage(ChildProcess p) =>
        ProcessUsage.TryRead(p.Pid) ?? throw new InvalidOperationException($"pid {p.Pid} is gone: {p.Output[^Math.Min(2000, p.Output.Length)..]}");

    /// <summary>Log lines the controller stored (all devices) with an id above <paramref name="after"/>,
    /// and the newest id: read page by page from the admin socket.</summary>
    private static async Task<(long Count, long Newest)> LinesAsync(string data, long after)
    {
        using var admin = new Cli.AdminClient(data);
        long count = 0, newest = after;
        foreach (var d in (await admin.GetAsync("admin/devices").ConfigureAwait(false))?.AsArray() ?? [])
        {
            var id = d!["id"]!.GetValue<string>();
            var cursor = after;
            while ((await admin.GetAsync($"admin/devices/{id}/logs?after={cursor}&limit=10000").ConfigureAwait(false))?.AsArray() is { Count: > 0 } page)
            {
                count += page.Count;
                cursor = page[^1]!["id"]!.GetValue<long>();
            }
            newest = Math.Max(newest, cursor);
        }
        return (count, newest);
    }

    private static async Task WaitAsync(Func<bool> probe, ChildProcess p, string what)
    {
        for (var i = 0; i < 1200 && !probe(); i++)
        {
            if (p.HasExited) throw new InvalidOperationException($"{what}: the process exited: {p.Output}");
            await Task.Delay(100).ConfigureAwait(false);
        }
        if (!probe()) throw new TimeoutException($"{what}: not within 120 s: {p.Output}");
    }
}
