using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Eve.Appliance.Agent.Connectivity;

/// <summary>Runs the pure <see cref="DpcManager"/> against the real world: loads the persisted list,
/// ingests <c>override.json</c>/<c>usb.json</c> once, adds the last resort, then feeds events (new DPCs,
/// test results, ticks) through the manager one at a time and performs its actions — apply, test (in the
/// background, cancelled at <c>timer.port.testduration</c>), persist.</summary>
internal sealed class ConnectivityDriver(
    DpcManager manager,
    DpcListStore store,
    IDpcApplier applier,
    IConnectivityTester tester,
    TimeProvider time,
    ILogger logger,
    string? configDir)
{
    private readonly Channel<DpcEvent> _events = Channel.CreateUnbounded<DpcEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<string, string> _ingested = new(StringComparer.Ordinal);
    private volatile DpcManagerState _state = DpcManagerState.Initial([], -1);

    /// <summary>The name under which a USB image's usb.json hash is recorded in the DPC list file.</summary>
    public const string UsbImageEntry = "usb-image:usb.json";

    /// <summary>A FAT image whose <c>/usb.json</c> is ingested once (hash recorded), as EVE's USB stick.</summary>
    public string? UsbImage { get; init; }

    /// <summary>How often deadlines and retest timers are checked.</summary>
    public TimeSpan TickPeriod { get; init; } = TimeSpan.FromSeconds(1);

    public DpcManagerState State => _state;

    /// <summary>Raised (on the driver's loop) after every event that changed the state.</summary>
    public event Action<DpcManagerState>? StateChanged;

    /// <summary>Queues an event, e.g. <see cref="DpcEvent.Received"/> with the controller's DPC.</summary>
    public void Post(DpcEvent e) => _events.Writer.TryWrite(e);

    /// <summary>Where the driver heartbeats (null when node health is off).</summary>
    public Watchdog.HealthMonitor? Health { get; init; }

    public async Task RunAsync(CancellationToken ct)
    {
        var file = store.Load();
        foreach (var (k, v) in file.Ingested) _ingested[k] = v;
        _state = DpcManagerState.Initial(file.Dpcs, file.CurrentIndex);
        await HandleAsync(new DpcEvent.Start(), ct);
        if (configDir != null)
            foreach (var dpc in DpcListStore.IngestFiles(configDir, _ingested, time.GetUtcNow()))
                await HandleAsync(new DpcEvent.Received(dpc), ct);
        if (UsbImage != null && await UsbStick.ReadUsbJsonAsync(Platform.Processes.ProcessRunner.Default, UsbImage, ct) is { } usb
            && DpcListStore.Ingest(UsbImageEntry, $"{UsbImage}:/{UsbStick.FileName}", DevicePortConfig.UsbKey, usb, _ingested, time.GetUtcNow()) is { } fromStick)
        {
            logger.LogInformation("usb.json from {Image} ingested", UsbImage);
            await HandleAsync(new DpcEvent.Received(fromStick), ct);
            // Recorded even if the DPC equals one already known, so the stick is not read as new again.
            store.Save(new DpcListFile(_state.List, _state.CurrentIndex, new Dictionary<string, string>(_ingested)));
        }
        if (!_state.List.Any(d => d.IsLastResort))
            await HandleAsync(new DpcEvent.Received(DpcSources.LastResort(await applier.ListPortNamesAsync(ct))), ct);
        using var ticker = new PeriodicTimer(TickPeriod, time);
        var ticks = Task.Run(async () =>
        {
            while (await ticker.WaitForNextTickAsync(ct)) Post(new DpcEvent.Tick());
        }, ct);
        // Ticks arrive every TickPeriod, so a handler stuck in a port test or an apply stops the
        // beat and trips the watchdog with our name; waiting for the next event is idle.
        using var beat = Health?.Register("connectivity");
        try
        {
            while (true)
            {
                beat?.Idle();
                if (!await _events.Reader.WaitToReadAsync(ct)) break;
                beat?.Beat();
                while (_events.Reader.TryRead(out var e)) await HandleAsync(e, ct);
            }
        }
        finally
        {
            ticker.Dispose();
            await ticks.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    private async Task HandleAsync(DpcEvent e, CancellationToken ct)
    {
        var before = _state;
        var (state, actions) = manager.Handle(before, e, time.GetUtcNow());
        _state = state;
        for (var i = 0; i < actions.Count; i++)
        {
            switch (actions[i])
            {
                case DpcAction.Apply apply:
                    try
                    {
                        logger.LogInformation("applying DPC {Dpc}", apply.Dpc);
                        await applier.ApplyAsync(apply.Dpc, ct);
                        if (i + 1 < actions.Count && actions[i + 1] is DpcAction.Test next)
                            (state, _) = manager.Handle(state, new DpcEvent.Applied(next.Attempt), time.GetUtcNow());
                        _state = state;
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        // The test that follows would only time out; report the real cause at once.
                        if (i + 1 < actions.Count && actions[i + 1] is DpcAction.Test t)
                        {
                            Post(new DpcEvent.TestFinished(t.Attempt, false, $"applying failed: {ex.Message}"));
                            i++;
                        }
                        logger.LogWarning(ex, "applying DPC {Dpc} failed", apply.Dpc);
                    }
                    break;
                case DpcAction.Test test:
                    StartTest(test, ct);
                    break;
                case DpcAction.Persist:
                    store.Save(new DpcListFile(state.List, state.CurrentIndex, new Dictionary<string, string>(_ingested)));
                    break;
            }
        }
        if (!ReferenceEquals(before, state))
        {
            if (state.LastError != before.LastError) logger.LogWarning("DPC test failed: {Error}", state.LastError);
            StateChanged?.Invoke(state);
        }
    }

    private void StartTest(DpcAction.Test test, CancellationToken ct) => _ = Task.Run(async () =>
    {
        using var deadline = new CancellationTokenSource(manager.Timers.TestDuration, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, ct);
        try
        {
            var r = await tester.TestAsync(test.Dpc, linked.Token);
            Post(new DpcEvent.TestFinished(test.Attempt, r.Ok, r.Ok ? null : r.Detail));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            Post(new DpcEvent.TestFinished(test.Attempt, false, "connectivity test did not finish within timer.port.testduration"));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Post(new DpcEvent.TestFinished(test.Attempt, false, $"connectivity test crashed: {ex.Message}"));
        }
    }, CancellationToken.None);
}
