using System.Diagnostics;
using Eve.Appliance.Agent.Bootstrap;

namespace Eve.Appliance.Sim;

/// <summary>
/// Runs a simulated fleet against a controller: makes the identities, onboards them (paced by the
/// connection pool, or all at once in the storm mode), then runs the chosen load and reports each
/// phase separately so onboarding never blurs the steady-state figures.
/// </summary>
internal sealed class FleetSimulator(SimOptions options)
{
    public async Task<SimReport> RunAsync(CancellationToken ct)
    {
        options.Validate();
        var bootstrap = BootstrapFolder.Load(options.BootstrapDir, options.Controller);
        if (bootstrap.OnboardCert == null || bootstrap.OnboardKey == null)
            throw new FileNotFoundException($"{options.BootstrapDir} has no onboard.cert.pem/onboard.key.pem: simulated devices onboard with them");

        var keyTimer = Stopwatch.StartNew();
        var identities = SimIdentity.CreateMany(options.Devices, options.KeyCacheDir);
        var keySeconds = keyTimer.Elapsed.TotalSeconds;
        using var transport = new SimTransport(bootstrap.Server, bootstrap.TlsRoots, options.Connections, options.Http2, options.RequestTimeout);
        var devices = identities.Select(i => new SimDevice(i, transport)).ToList();
        var phases = new List<SimPhase>();
        try
        {
            var onboardPhase = options.Mode == SimMode.Storm ? "storm" : "onboard";
            await MeasureAsync(onboardPhase, transport, phases, async () =>
            {
                if (options.Mode == SimMode.Storm)
                    await Task.WhenAll(devices.Select(d => d.OnboardAsync(bootstrap, ct))).ConfigureAwait(false);
                else
                    await Parallel.ForEachAsync(devices, Bounded(ct), async (d, c) => await d.OnboardAsync(bootstrap, c).ConfigureAwait(false)).ConfigureAwait(false);
            }).ConfigureAwait(false);
            var ready = devices.Where(d => d.Id != null).ToList();
            if (ready.Count > 0 && options.Mode == SimMode.Poll) await RunPollAsync(ready, transport, phases, ct).ConfigureAwait(false);
            else if (ready.Count > 0 && options.Mode == SimMode.Fleet) await RunFleetAsync(ready, transport, phases, ct).ConfigureAwait(false);
            return new SimReport(options, bootstrap.Server, keySeconds, ready.Count, phases);
        }
        finally
        {
            foreach (var i in identities) i.Dispose();
        }
    }

    /// <summary>Every device fetches its config once (so it holds the current hash), then the
    /// connections poll with it as fast as answers come: 304 after 304.</summary>
    private async Task RunPollAsync(List<SimDevice> devices, SimTransport transport, List<SimPhase> phases, CancellationToken ct)
    {
        await MeasureAsync("first-config", transport, phases, () =>
            Parallel.ForEachAsync(devices, Bounded(ct), async (d, c) => await d.PollConfigAsync(c).ConfigureAwait(false))).ConfigureAwait(false);
        var requests = devices.Select(d =>
        {
            PreparedRequest? r = null;
            r = new PreparedRequest(d.Path("config"), d.ConfigRequestEnvelope(), body =>
            {
                // The config changed under us: take the new hash, as a device would.
                d.TakeConfigAnswer(body);
                r!.Body = d.ConfigRequestEnvelope();
                return Task.CompletedTask;
            });
            return r;
        }).ToList();
        await MeasureAsync("poll-304", transport, phases, () =>
            PollLoad.RunAsync(transport, requests, options.Connections, options.Duration, ct)).ConfigureAwait(false);
    }

    /// <summary>Each device runs EVE's four timers (config, metrics, info, newlogs) with jitter,
    /// their first firing spread over one interval so the fleet does not move in step.</summary>
    private async Task RunFleetAsync(List<SimDevice> devices, SimTransport transport, List<SimPhase> phases, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await MeasureAsync("steady", transport, phases, async () =>
        {
            stop.CancelAfter(options.Duration);
            var seed = options.Seed;
            var loops = new List<Task>(devices.Count * 4);
            foreach (var d in devices)
            {
                loops.Add(TimerLoop(EveTimers.Config, new Random(seed++), d.PollConfigAsync, stop.Token));
                loops.Add(TimerLoop(EveTimers.Metrics, new Random(seed++), d.PostMetricsAsync, stop.Token));
                loops.Add(TimerLoop(EveTimers.Info, new Random(seed++), d.PostInfoAsync, stop.Token));
                loops.Add(TimerLoop(EveTimers.NewLogs, new Random(seed++), d.PostNewLogsAsync, stop.Token));
            }
            await Task.WhenAll(loops).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    private async Task TimerLoop(TimeSpan interval, Random random, Func<CancellationToken, Task> action, CancellationToken stop)
    {
        try
        {
            await Task.Delay(EveTimers.FirstOffset(interval, options.Speedup, random), stop).ConfigureAwait(false);
            while (!stop.IsCancellationRequested)
            {
                await action(stop).ConfigureAwait(false);
                await Task.Delay(EveTimers.Next(interval, options.Speedup, random), stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // the measured phase is over
        }
    }

    private async Task MeasureAsync(string name, SimTransport transport, List<SimPhase> phases, Func<Task> work)
    {
        transport.Book = new LatencyBook();
        var before = Usage();
        var timer = Stopwatch.StartNew();
        await work().ConfigureAwait(false);
        var seconds = timer.Elapsed.TotalSeconds;
        phases.Add(SimPhase.From(name, transport.Book, seconds, before, Usage()));
    }

    private ProcessUsage? Usage() => options.ControllerPid is { } pid ? ProcessUsage.TryRead(pid) : null;

    private ParallelOptions Bounded(CancellationToken ct) => new() { MaxDegreeOfParallelism = options.Connections, CancellationToken = ct };
}
