using System.Text.Json.Nodes;
using static System.FormattableString;

namespace Eve.Appliance.Sim;

/// <summary>What `eve-appliance sim` measured, as a table or JSON.</summary>
internal sealed record SimReport(SimOptions Options, Uri Server, double KeySeconds, int Onboarded, IReadOnlyList<SimPhase> Phases)
{
    public long Errors => Phases.Sum(p => p.Errors);

    public SimPhase? Phase(string name) => Phases.FirstOrDefault(p => p.Name == name);

    public void WriteText(TextWriter o)
    {
        o.WriteLine(Invariant($"sim: {Options.Devices} devices, mode {Options.Mode.ToString().ToLowerInvariant()}, controller {Server}, ") + Invariant(
                         $"{Options.Connections} connections {(Options.Http2 ? "HTTP/2" : "HTTP/1.1 keep-alive")}, speed-up {Options.Speedup:0.##}"));
        o.WriteLine(Invariant($"keys: {KeySeconds:0.00} s for {Options.Devices} identities{(Options.KeyCacheDir != null ? $" (cache {Options.KeyCacheDir})" : "")}; onboarded {Onboarded}/{Options.Devices}"));
        if (Options.Mode == SimMode.Fleet)
            o.WriteLine(Invariant($"offered load at EVE's timers: ~{Options.Devices * EveTimers.RequestsPerSecondPerDevice(Options.Speedup):0.0} requests/s"));
        foreach (var p in Phases)
        {
            o.WriteLine();
            o.WriteLine(Invariant($"[{p.Name}] {p.Seconds:0.0} s, {p.Requests} requests, {p.PerSecond:0.0}/s, {p.Errors} errors"));
            o.WriteLine("  endpoint         requests      req/s    p50 ms    p99 ms    max ms  errors");
            foreach (var e in p.Endpoints)
                o.WriteLine(Invariant($"  {e.Endpoint,-14} {e.Requests,10} {e.PerSecond,10:0.0} {e.P50Ms,9:0.00} {e.P99Ms,9:0.00} {e.MaxMs,9:0.00}  {Describe(e.Errors)}"));
            if (p.ControllerCpuSeconds is { } cpu)
                o.WriteLine(Invariant($"  controller: CPU {cpu:0.00} s ({p.ControllerCores:0.00} cores), {p.ControllerCpuMsPerRequest:0.000} ms CPU/request, ") + Invariant(
                                 $"RSS {p.After!.Value.RssBytes / 1048576.0:0.0} MiB (peak {p.After.Value.PeakRssBytes / 1048576.0:0.0} MiB)"));
        }
    }

    public JsonObject ToJson()
    {
        var phases = new JsonArray();
        foreach (var p in Phases)
        {
            var endpoints = new JsonArray();
            foreach (var e in p.Endpoints)
            {
                endpoints.Add(new JsonObject
                {
                    ["endpoint"] = e.Endpoint,
                    ["requests"] = e.Requests,
                    ["perSecond"] = Math.Round(e.PerSecond, 1),
                    ["p50Ms"] = Math.Round(e.P50Ms, 3),
                    ["p99Ms"] = Math.Round(e.P99Ms, 3),
                    ["maxMs"] = Math.Round(e.MaxMs, 3),
                    ["statuses"] = Counts(e.Statuses),
                    ["errors"] = Counts(e.Errors),
                });
            }
            var phase = new JsonObject
            {
                ["name"] = p.Name,
                ["seconds"] = Math.Round(p.Seconds, 3),
                ["requests"] = p.Requests,
                ["perSecond"] = Math.Round(p.PerSecond, 1),
                ["errors"] = p.Errors,
                ["endpoints"] = endpoints,
            };
            if (p.ControllerCpuSeconds is { } cpu)
            {
                phase["controller"] = new JsonObject
                {
                    ["cpuSeconds"] = Math.Round(cpu, 3),
                    ["cores"] = Math.Round(p.ControllerCores!.Value, 3),
                    ["cpuMsPerRequest"] = Math.Round(p.ControllerCpuMsPerRequest ?? 0, 4),
                    ["rssBytes"] = p.After!.Value.RssBytes,
                    ["peakRssBytes"] = p.After.Value.PeakRssBytes,
                };
            }
            phases.Add(phase);
        }
        return new JsonObject
        {
            ["mode"] = Options.Mode.ToString().ToLowerInvariant(),
            ["devices"] = Options.Devices,
            ["onboarded"] = Onboarded,
            ["server"] = Server.ToString(),
            ["connections"] = Options.Connections,
            ["protocol"] = Options.Http2 ? "http2" : "http1.1",
            ["speedup"] = Options.Speedup,
            ["keySeconds"] = Math.Round(KeySeconds, 3),
            ["errors"] = Errors,
            ["phases"] = phases,
        };
    }

    private static string Describe(IReadOnlyDictionary<string, long> errors) =>
        errors.Count == 0 ? "0" : string.Join(", ", errors.Select(kv => $"{kv.Key}: {kv.Value}"));

    private static JsonObject Counts(IReadOnlyDictionary<string, long> counts)
    {
        var o = new JsonObject();
        foreach (var (k, v) in counts) o[k] = v;
        return o;
    }
}
