using System.Threading.Channels;

namespace Eve.Appliance.Platform.Qemu;

/// <summary>One running VM: its QEMU pid (with start time, so pid reuse is caught), its QMP
/// connection, and a monitor that notices the exit (QMP EOF, or the pid gone on a poll) and
/// completes <see cref="Exited"/>. Made by <see cref="QemuSupervisor"/> on start or adopt.</summary>
internal sealed class QemuProcess : IAsyncDisposable
{
    private readonly QemuSupervisorOptions _options;
    private readonly TimeProvider _time;
    private readonly Action<QemuExit> _onExit;
    private readonly TaskCompletionSource<QemuExit> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Channel<QmpEvent> _events = Channel.CreateBounded<QmpEvent>(
        new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleWriter = true });
    private readonly CancellationTokenSource _detach = new();
    private QmpEvent? _lastShutdown;
    private volatile bool _stopRequested;
    private Task _monitor = Task.CompletedTask;

    internal QemuProcess(QemuDomainSpec spec, int pid, long startTicks, QmpClient qmp, bool adopted,
        QemuSupervisorOptions options, TimeProvider time, Action<QemuExit> onExit)
    {
        Spec = spec;
        Pid = pid;
        StartTicks = startTicks;
        Qmp = qmp;
        Adopted = adopted;
        _options = options;
        _time = time;
        _onExit = onExit;
    }

    public QemuDomainSpec Spec { get; }
    public int Pid { get; }
    /// <summary>Start time of the process in clock ticks since boot (/proc/&lt;pid&gt;/stat field 22).</summary>
    public long StartTicks { get; }
    public QmpClient Qmp { get; }
    /// <summary>True when this object took over a QEMU started by an earlier agent.</summary>
    public bool Adopted { get; }
    /// <summary>QMP events of this VM (SHUTDOWN, POWERDOWN, STOP, RESUME, RESET, …).</summary>
    public ChannelReader<QmpEvent> Events => _events.Reader;
    /// <summary>Completes once QEMU is gone; cancelled when the object is detached instead.</summary>
    public Task<QemuExit> Exited => _exited.Task;

    public bool IsRunning => !_exited.Task.IsCompleted && LinuxProcess.IsAlive(Pid, StartTicks);

    internal void StartMonitor() => _monitor = Task.Run(MonitorAsync, CancellationToken.None);

    public QemuProcessStats ReadStats() =>
        ProcStat.TryRead(Pid) is { } s && s.StartTicks == StartTicks && !s.IsGone
            ? new QemuProcessStats(s.CpuTime, LinuxProcess.ReadRssBytes(Pid))
            : new QemuProcessStats(TimeSpan.Zero, 0);

    /// <summary>Graceful stop: ACPI power button, then `quit` after <see cref="QemuSupervisorOptions.PowerdownTimeout"/>,
    /// then SIGKILL by the recorded pid after <see cref="QemuSupervisorOptions.QuitTimeout"/>.</summary>
    public async Task<QemuExit> StopAsync(TimeSpan? powerdownTimeout = null, CancellationToken ct = default)
    {
        _stopRequested = true;
        if (_exited.Task.IsCompleted) return await _exited.Task.ConfigureAwait(false);
        await TryQmp(q => q.SystemPowerdownAsync(ct)).ConfigureAwait(false);
        if (await WaitExitAsync(powerdownTimeout ?? _options.PowerdownTimeout, ct).ConfigureAwait(false)) return await _exited.Task.ConfigureAwait(false);
        return await QuitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>`quit` now (no guest shutdown), then SIGKILL if QEMU does not leave in time.</summary>
    public async Task<QemuExit> QuitAsync(CancellationToken ct = default)
    {
        _stopRequested = true;
        await TryQmp(q => q.QuitAsync(ct)).ConfigureAwait(false);
        if (await WaitExitAsync(_options.QuitTimeout, ct).ConfigureAwait(false)) return await _exited.Task.ConfigureAwait(false);
        return await KillAsync(ct).ConfigureAwait(false);
    }

    /// <summary>SIGKILL by the recorded pid (checked against its start time first).</summary>
    public async Task<QemuExit> KillAsync(CancellationToken ct = default)
    {
        _stopRequested = true;
        LinuxProcess.Kill(Pid, StartTicks);
        if (await WaitExitAsync(_options.ExitGrace, ct).ConfigureAwait(false)) return await _exited.Task.ConfigureAwait(false);
        throw new InvalidOperationException(
            $"VM '{Spec.Name}': QEMU pid {Pid} is still there {_options.ExitGrace.TotalSeconds:0.#} s after SIGKILL (stuck in the kernel, D state?); check `cat /proc/{Pid}/stack`");
    }

    /// <summary>Lets go of the VM without stopping it (agent shutdown); a later agent adopts it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_detach.IsCancellationRequested) await _detach.CancelAsync().ConfigureAwait(false);
        await Qmp.DisposeAsync().ConfigureAwait(false);
        try { await _monitor.ConfigureAwait(false); } catch (OperationCanceledException) { }
        _exited.TrySetCanceled();
        _events.Writer.TryComplete();
    }

    private async Task<bool> WaitExitAsync(TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            await _exited.Task.WaitAsync(timeout, _time, ct).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private async Task TryQmp(Func<QmpClient, Task> command)
    {
        // A dead or hung monitor must not stop the escalation: the next step handles it.
        try { await command(Qmp).ConfigureAwait(false); }
        catch (QmpException) { }
    }

    private async Task MonitorAsync()
    {
        var pump = PumpEventsAsync();
        var token = _detach.Token;
        try
        {
            // Fast path: QEMU closes the QMP socket when it exits. Slow path: the pid poll catches
            // the rest (a monitor that is wedged, or a socket someone else closed).
            while (LinuxProcess.IsAlive(Pid, StartTicks))
            {
                var poll = Task.Delay(_options.PollInterval, _time, token);
                if (!Qmp.Closed.IsCompleted) await Task.WhenAny(Qmp.Closed, poll).ConfigureAwait(false);
                else await poll.ConfigureAwait(false);
                token.ThrowIfCancellationRequested();
                if (Qmp.Closed.IsCompleted) await WaitGoneAsync(token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return;
        }
        await pump.ConfigureAwait(false);
        if (token.IsCancellationRequested) return;
        CleanUpFiles();
        var exit = new QemuExit(Spec.Name, Pid, KindOf(_lastShutdown), _lastShutdown?.Reason, _stopRequested, _time.GetUtcNow());
        if (_exited.TrySetResult(exit)) _onExit(exit);
    }

    private async Task WaitGoneAsync(CancellationToken token)
    {
        var deadline = _time.GetUtcNow() + _options.ExitGrace;
        while (LinuxProcess.IsAlive(Pid, StartTicks) && _time.GetUtcNow() < deadline)
            await Task.Delay(TimeSpan.FromMilliseconds(20), _time, token).ConfigureAwait(false);
    }

    private async Task PumpEventsAsync()
    {
        try
        {
            await foreach (var e in Qmp.Events.ReadAllAsync(_detach.Token).ConfigureAwait(false))
            {
                if (e.Name == "SHUTDOWN") _lastShutdown = e;
                _events.Writer.TryWrite(e);
            }
        }
        catch (OperationCanceledException)
        {
        }
        _events.Writer.TryComplete();
    }

    private static QemuExitKind KindOf(QmpEvent? shutdown) => shutdown?.Reason switch
    {
        null => QemuExitKind.Killed,
        "host-qmp-quit" => QemuExitKind.Quit,
        "host-signal" => QemuExitKind.Signal,
        _ => QemuExitKind.GuestShutdown,
    };

    // QEMU removes both on a clean exit; after SIGKILL they are left behind and would confuse the
    // next start or adopt.
    private void CleanUpFiles()
    {
        TryDelete(Spec.PidFilePath);
        TryDelete(Spec.QmpSocketPath);
    }

    internal static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
