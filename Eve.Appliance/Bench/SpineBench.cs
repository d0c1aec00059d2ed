using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Eve.Appliance.Agent.Bootstrap;
using Eve.Appliance.Api.Envelope;
using Eve.Appliance.Sim;
using Google.Protobuf;
using Org.Lfedge.Eve.Config;
using static System.FormattableString;

namespace Eve.Appliance.Bench;

/// <summary>
/// `eve-appliance bench spine`, issue 2's figures, each from the real executable as a child process:
/// (1) `run` on a fresh data folder: time to the device onboarded and to the agent's first applied
/// config (from its log lines), then idle RSS and CPU sampled from /proc; (2) `controller` alone:
/// an onboarding storm of N simulated devices, then N devices polling an unchanged config (304s)
/// as fast as the connections allow, with the controller's CPU per request; (3) the baseline: raw
/// Kestrel with the same TLS cert answering an empty 200 to the same requests from the same client.
/// </summary>
internal static class SpineBench
{
    public sealed record Settings(int Devices = 1000, int Connections = 32, double PollSeconds = 15, int IdleSamples = 5);

    public static void Run(TextWriter output) => RunAsync(output, new Settings(), CancellationToken.None).GetAwaiter().GetResult();

    public static async Task<JsonObject> RunAsync(TextWriter o, Settings s, CancellationToken ct)
    {
        var root = Directory.CreateTempSubdirectory("eve-spinebench-").FullName;
        try
        {
            var figures = new JsonObject { ["method"] = Method(s) };
            o.WriteLine(Method(s));
            figures["appliance"] = await ApplianceAsync(o, Path.Combine(root, "appliance"), s, ct).ConfigureAwait(false);
            var (storm, poll, baseline) = await ControllerAsync(o, Path.Combine(root, "controller"), s, ct).ConfigureAwait(false);
            figures["storm"] = storm;
            figures["poll"] = poll;
            figures["baseline"] = baseline;
            return figures;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static string Method(Settings s) =>
        "spine: real executable as child processes on loopback; RSS from /proc/PID/status VmRSS; controller load by `sim` " + Invariant(
        $"({s.Devices} devices, {s.Connections} HTTP/1.1 keep-alive TLS connections, {s.PollSeconds:0} s closed-loop unchanged-config polls), ") +
        "baseline = raw Kestrel, same cert, empty 200, same client and requests";

    private static async Task<JsonObject> ApplianceAsync(TextWriter o, string dataDir, Settings s, CancellationToken ct)
    {
        using var p = ChildProcess.StartSelf("run", "--data-dir", dataDir, "--listen", $"127.0.0.1:{FreePort()}", "--tpm", "none");
        try
        {
            var limit = TimeSpan.FromSeconds(120);
            var onboarded = await p.WaitForLineAsync(" onboarded; ", limit, ct).ConfigureAwait(false);
            var applied = await p.WaitForLineAsync("applied config version", limit, ct).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromSeconds(3), ct).ConfigureAwait(false); // let start-up work settle
            var (rss, cores) = await SampleIdleAsync(p.Pid, s.IdleSamples, ct).ConfigureAwait(false);
            o.WriteLine(Invariant($"  appliance `run`: start → device onboarded {onboarded.TotalSeconds:0.00} s, → first applied config {applied.TotalSeconds:0.00} s"));
            o.WriteLine(Invariant($"  appliance `run` idle: RSS median {rss / 1048576.0:0.0} MiB over {s.IdleSamples} s, CPU {cores * 100:0.0}% of a core"));
            return new JsonObject
            {
                ["startToOnboardedSeconds"] = Math.Round(onboarded.TotalSeconds, 3),
                ["startToFirstConfigSeconds"] = Math.Round(applied.TotalSeconds, 3),
                ["idleRssBytes"] = rss,
                ["idleCpuCores"] = Math.Round(cores, 4),
            };
        }
        finally
        {
            await p.StopAsync().ConfigureAwait(false);
        }
    }

    private static async Task<(JsonObject Storm, JsonObject Poll, JsonObject Baseline)> ControllerAsync(TextWriter o, string dataDir, Settings s, CancellationToken ct)
    {
        using var controller = ChildProcess.StartSelf("controller", "--data-dir", dataDir, "--listen", $"127.0.0.1:{FreePort()}");
        try
        {
            await controller.WaitForLineAsync("controller listening on", TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromSeconds(2), ct).ConfigureAwait(false);
            var (idleRss, _) = await SampleIdleAsync(controller.Pid, 2, ct).ConfigureAwait(false);
            o.WriteLine(Invariant($"  controller idle RSS {idleRss / 1048576.0:0.0} MiB"));
            var bootstrap = Path.Combine(dataDir, "bootstrap");
            var common = new SimOptions { Devices = s.Devices, BootstrapDir = bootstrap, Connections = s.Connections, ControllerPid = controller.Pid, Duration = TimeSpan.FromSeconds(s.PollSeconds) };

            var storm = await new FleetSimulator(common with { Mode = SimMode.Storm }).RunAsync(ct).ConfigureAwait(false);
            Print(o, "onboarding storm", storm.Phase("storm")!, $"{storm.Onboarded}/{s.Devices} onboarded");
            var poll = await new FleetSimulator(common with { Mode = SimMode.Poll }).RunAsync(ct).ConfigureAwait(false);
            Print(o, "unchanged-config polls", poll.Phase("poll-304")!, "");

            var baseline = await BaselineAsync(bootstrap, dataDir, s, ct).ConfigureAwait(false);
            Print(o, "baseline raw Kestrel TLS empty 200", baseline, "");
            var pollPhase = poll.Phase("poll-304")!;
            o.WriteLine(Invariant($"  controller/baseline: throughput {pollPhase.PerSecond / Math.Max(1, baseline.PerSecond):0.00}×, CPU per request {(pollPhase.ControllerCpuMsPerRequest ?? 0) / Math.Max(1e-9, baseline.ControllerCpuMsPerRequest ?? 0):0.00}×"));
            var stormJson = storm.ToJson();
            var pollJson = poll.ToJson();
            pollJson["controllerIdleRssBytes"] = idleRss;
            return (stormJson, pollJson, PhaseJson(baseline));
        }
        finally
        {
            await controller.StopAsync().ConfigureAwait(false);
        }
    }

    private static async Task<SimPhase> BaselineAsync(string bootstrapDir, string controllerData, Settings s, CancellationToken ct)
    {
        var port = FreePort();
        using var server = ChildProcess.StartSelf("bench", "baseline-server", "--data-dir", controllerData, "--listen", $"127.0.0.1:{port}");
        try
        {
            await server.WaitForLineAsync(BaselineServer.ReadyLine, TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
            var bootstrap = BootstrapFolder.Load(bootstrapDir, new Uri($"https://127.0.0.1:{port}/"));
            using var transport = new SimTransport(bootstrap.Server, bootstrap.TlsRoots, s.Connections, http2: false, TimeSpan.FromSeconds(30));
            // The same shape of request as the controller got: a device-signed ConfigRequest with a hash, per-device path.
            using var identity = SimIdentity.Create("baseline-bench");
            var body = AuthContainers.Seal(new ConfigRequest { ConfigHash = new string('a', 64) }, identity.Signer).ToByteArray();
            var requests = Enumerable.Range(0, s.Devices).Select(_ => new PreparedRequest($"/api/v2/edgedevice/id/{Guid.NewGuid()}/config", body)).ToList();
            var before = ProcessUsage.TryRead(server.Pid);
            var timer = Stopwatch.StartNew();
            await PollLoad.RunAsync(transport, requests, s.Connections, TimeSpan.FromSeconds(s.PollSeconds), ct).ConfigureAwait(false);
            return SimPhase.From("baseline", transport.Book, timer.Elapsed.TotalSeconds, before, ProcessUsage.TryRead(server.Pid));
        }
        finally
        {
            await server.StopAsync().ConfigureAwait(false);
        }
    }

    private static void Print(TextWriter o, string what, SimPhase p, string extra)
    {
        var all = p.Endpoints.OrderByDescending(e => e.Requests).ToList();
        o.WriteLine(Invariant($"  {what}: {p.Requests} requests in {p.Seconds:0.00} s = {p.PerSecond:0} req/s, {p.Errors} errors{(extra != "" ? ", " + extra : "")}"));
        foreach (var e in all)
            o.WriteLine(Invariant($"    {e.Endpoint,-10} p50 {e.P50Ms:0.00} ms  p99 {e.P99Ms:0.00} ms  max {e.MaxMs:0.00} ms  ({e.Requests} requests)"));
        if (p.ControllerCpuSeconds is { } cpu)
            o.WriteLine(Invariant($"    server CPU {cpu:0.00} s ({p.ControllerCores:0.00} cores) = {p.ControllerCpuMsPerRequest:0.000} ms/request; RSS {p.After!.Value.RssBytes / 1048576.0:0.0} MiB"));
    }

    private static JsonObject PhaseJson(SimPhase p)
    {
        var e = p.Endpoints.FirstOrDefault();
        return new JsonObject
        {
            ["seconds"] = Math.Round(p.Seconds, 3),
            ["requests"] = p.Requests,
            ["perSecond"] = Math.Round(p.PerSecond, 1),
            ["errors"] = p.Errors,
            ["p50Ms"] = Math.Round(e?.P50Ms ?? 0, 3),
            ["p99Ms"] = Math.Round(e?.P99Ms ?? 0, 3),
            ["maxMs"] = Math.Round(e?.MaxMs ?? 0, 3),
            ["cpuMsPerRequest"] = Math.Round(p.ControllerCpuMsPerRequest ?? 0, 4),
            ["rssBytes"] = p.After?.RssBytes ?? 0,
        };
    }

    /// <summary>Median RSS over <paramref name="seconds"/> one-second samples and the CPU share meanwhile.</summary>
    private static async Task<(long Rss, double Cores)> SampleIdleAsync(int pid, int seconds, CancellationToken ct)
    {
        var first = ProcessUsage.TryRead(pid) ?? throw new InvalidOperationException($"pid {pid} is gone");
        var samples = new List<long>();
        var timer = Stopwatch.StartNew();
        ProcessUsage last = first;
        for (var i = 0; i < seconds; i++)
        {
            await Task.Delay(1000, ct).ConfigureAwait(false);
            last = ProcessUsage.TryRead(pid) ?? throw new InvalidOperationException($"pid {pid} exited while being sampled");
            samples.Add(last.RssBytes);
        }
        samples.Sort();
        return (samples[samples.Count / 2], (last.Cpu - first.Cpu).TotalSeconds / timer.Elapsed.TotalSeconds);
    }

    internal static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
