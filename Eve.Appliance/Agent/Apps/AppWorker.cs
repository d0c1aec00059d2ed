using System.Threading.Channels;
using Eve.Appliance.Agent.Content;
using Eve.Appliance.Platform.Processes;
using Eve.Appliance.Platform.Qemu;
using Microsoft.Extensions.Logging;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Agent.Apps;

/// <summary>One app instance's lifecycle, on its own task: prepare content and volumes, start,
/// watch, restart and purge on the counters, stop when deactivated or deleted. Each state change
/// goes through <see cref="AppTransitions"/>, is persisted, then published as info (STYLE §3.5).
/// On agent shutdown the VM is left running and adopted by the next agent.</summary>
internal sealed partial class AppWorker
{
    private readonly AppWorkerParts _p;
    private readonly Channel<(AppIntent? Intent, string? Problem)> _updates =
        Channel.CreateBounded<(AppIntent?, string?)>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
    private AppIntent _intent;
    private string? _problem;
    private AppRecord _record;
    private QemuProcess? _vm;
    private ConsoleLogTailer? _console;
    private bool _delayed;
    private string? _crash;

    public AppWorker(AppIntent intent, string? problem, AppWorkerParts parts)
    {
        _intent = intent;
        _problem = problem;
        _p = parts;
        _record = parts.States.Load(intent.Id) ?? new AppRecord { Id = intent.Id, Name = intent.Name };
    }

    public Guid Id => _intent.Id;
    public AppIntent Intent => _intent;
    public AppRecord Record => _record;
    public QemuProcess? Vm => _vm;
    public IReadOnlyList<QmpBlockStats> BlockStats { get; set; } = [];
    public string SerialLogPath => Path.Combine(_p.LogDir, $"{Id:D}.console.log");
    public string PidFilePath => Path.Combine(_p.RunDir, $"{Id:D}.pid");
    public string QmpSocketPath => Path.Combine(_p.RunDir, $"{Id:D}.qmp");

    public void Update(AppIntent intent, string? problem) => _updates.Writer.TryWrite((intent, problem));

    /// <summary>The app left the config: stop its VM and forget it.</summary>
    public void Remove() => _updates.Writer.TryWrite((null, null));

    public async Task RunAsync(CancellationToken ct)
    {
        _console = ConsoleLogTailer.AtEnd(SerialLogPath);
        using var consoleLoop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var console = PumpConsoleAsync(consoleLoop.Token);
        try
        {
            await AdoptAsync(ct).ConfigureAwait(false);
            DateTimeOffset? retryAt = null;
            while (!DrainUpdates())
            {
                try
                {
                    await ReconcileAsync(ct).ConfigureAwait(false);
                    retryAt = null;
                }
                catch (Exception e) when (IsOperationFailure(e) && !ct.IsCancellationRequested)
                {
                    Fail(e.Message);
                    retryAt = _p.Time.GetUtcNow() + _p.Options.RetryInterval;
                }
                await WaitAsync(retryAt, ct).ConfigureAwait(false);
            }
            await StopAsync("the app was removed from the config", ct).ConfigureAwait(false);
            await _p.Network.DetachAsync(Id, ct).ConfigureAwait(false);
            _p.States.Delete(Id);
            CloudInitSeed.Remove(_p.Seeds, Id);
        }
        finally
        {
            await consoleLoop.CancelAsync().ConfigureAwait(false);
            try { await console.ConfigureAwait(false); } catch (OperationCanceledException) { }
            DrainConsole();
            // Shutdown of the agent: let go of the VM without stopping it.
            if (_vm is not null) await _vm.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static bool IsOperationFailure(Exception e) =>
        e is ContentException or QemuStartException or QemuSpecException or ProcessFailedException or QmpException
            or AppRefusedException or IOException or UnauthorizedAccessException or InvalidOperationException;

    /// <summary>Takes the latest config update; true when the app was removed.</summary>
    private bool DrainUpdates()
    {
        while (_updates.Reader.TryRead(out var u))
        {
            if (u.Intent is null) return true;
            _intent = u.Intent;
            _problem = u.Problem;
        }
        return false;
    }

    /// <summary>Waits for a config update, the VM's exit or the retry time.</summary>
    private async Task WaitAsync(DateTimeOffset? retryAt, CancellationToken ct)
    {
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var waits = new List<Task> { _updates.Reader.WaitToReadAsync(wake.Token).AsTask() };
        if (_vm is not null) waits.Add(_vm.Exited);
        if (retryAt is { } at) waits.Add(Task.Delay(Max(at - _p.Time.GetUtcNow()), _p.Time, wake.Token));
        await Task.WhenAny(waits).ConfigureAwait(false);
        await wake.CancelAsync().ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        if (_vm is { Exited.IsCompleted: true } gone) await OnExitAsync(gone, ct).ConfigureAwait(false);
    }

    private async Task OnExitAsync(QemuProcess gone, CancellationToken ct)
    {
        QemuExit exit;
        try { exit = await gone.Exited.ConfigureAwait(false); }
        catch (OperationCanceledException) { return; }
        await gone.DisposeAsync().ConfigureAwait(false);
        _vm = null;
        if (exit.RequestedByUs) return;
        // EVE restarts a domain that failed; the reason stays visible in info.
        _crash = $"{exit.Describe()} at {exit.At:u}; restarted";
        Log.Crashed(_p.Log, _intent.Name, exit.Describe());
        Move(AppEvent.Crashed, r => r with { Error = exit.Describe(), ErrorAt = exit.At, Crashes = r.Crashes + 1 });
        await Task.Delay(_p.Options.CrashRestartDelay, _p.Time, ct).ConfigureAwait(false);
    }

    private void Fail(string reason)
    {
        Log.Failed(_p.Log, _intent.Name, reason);
        Move(AppEvent.Failed, r => r with { Error = reason, ErrorAt = _p.Time.GetUtcNow() });
    }

    /// <summary>Applies a lifecycle event: refused pairs are logged and ignored; accepted ones are
    /// persisted first, then published.</summary>
    private void Move(AppEvent e, Func<AppRecord, AppRecord>? change = null)
    {
        var next = AppTransitions.Next(_record.State, e);
        if (next is null)
        {
            Log.Refused(_p.Log, _intent.Name, _record.State, e);
            return;
        }
        var record = _record with { State = next.Value, Name = _intent.Name };
        if (change is not null) record = change(record);
        Save(record);
    }

    private void Save(AppRecord record)
    {
        _record = record;
        _p.States.Save(record);
        PublishInfo();
    }

    /// <summary>Sends the app's info as it stands; also when only its network status changed.</summary>
    public void PublishInfo() => _p.Reports.PublishInfo(AppInfoBuilder.App(_intent, _record, _p.Network.Status(Id)), $"app/{Id:D}");

    private async Task PumpConsoleAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(_p.Options.ConsolePollInterval, _p.Time, ct).ConfigureAwait(false);
            DrainConsole();
        }
    }

    private void DrainConsole()
    {
        try
        {
            var lines = _console?.ReadNewLines() ?? [];
            if (lines.Count > 0) _p.Reports.PublishAppLogs(Id, _intent.Name, lines);
        }
        catch (IOException e)
        {
            Log.ConsoleUnreadable(_p.Log, _intent.Name, e.Message);
        }
    }

    private static TimeSpan Max(TimeSpan t) => t < TimeSpan.Zero ? TimeSpan.Zero : t;

    private static partial class Log
    {
        [LoggerMessage(EventId = 801, Level = LogLevel.Warning, Message = "app {App}: {Reason}")]
        public static partial void Failed(ILogger logger, string app, string reason);

        [LoggerMessage(EventId = 802, Level = LogLevel.Warning, Message = "app {App}: {Description}; restarting it")]
        public static partial void Crashed(ILogger logger, string app, string description);

        [LoggerMessage(EventId = 803, Level = LogLevel.Error, Message = "app {App}: event {Event} is not allowed in state {State}; ignored")]
        public static partial void Refused(ILogger logger, string app, ZSwState state, AppEvent @event);

        [LoggerMessage(EventId = 804, Level = LogLevel.Information, Message = "app {App}: {What}")]
        public static partial void Step(ILogger logger, string app, string what);

        [LoggerMessage(EventId = 805, Level = LogLevel.Warning, Message = "app {App}: console log unreadable: {Reason}")]
        public static partial void ConsoleUnreadable(ILogger logger, string app, string reason);
    }
}
