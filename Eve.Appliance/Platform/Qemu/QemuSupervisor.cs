using System.Globalization;
using System.Threading.Channels;
using Eve.Appliance.Platform.Processes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eve.Appliance.Platform.Qemu;

/// <summary>Starts VMs and takes over running ones.
/// QEMU runs daemonized (`-daemonize -pidfile`), not as our child: like containerd's shims, a VM
/// must survive an agent restart or upgrade, and a child dies with (or is orphaned by) its parent.
/// The price is that we cannot waitpid() it, so exits are seen through QMP EOF plus pid polling,
/// and the pid is always checked against its start time before we signal it.</summary>
internal sealed partial class QemuSupervisor(
    IProcessRunner runner,
    QemuSupervisorOptions? options = null,
    TimeProvider? time = null,
    ILogger<QemuSupervisor>? logger = null)
{
    private readonly QemuSupervisorOptions _options = options ?? new QemuSupervisorOptions();
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ILogger _log = logger ?? NullLogger<QemuSupervisor>.Instance;
    private readonly Channel<QemuExit> _exits = Channel.CreateUnbounded<QemuExit>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Every exit of a VM this supervisor started or adopted, for the reconciler's loop.</summary>
    public ChannelReader<QemuExit> Exits => _exits.Reader;

    public async Task<QemuProcess> StartAsync(QemuDomainSpec spec, QemuAccel accel, CancellationToken ct = default)
    {
        var argv = QemuCommandLine.Build(spec, accel);
        if (ReadLivePid(spec) is { } running)
            throw new QemuStartException($"VM '{spec.Name}' is already running as pid {running.Pid} ({spec.PidFilePath}); adopt or stop it first");
        QemuProcess.TryDelete(spec.PidFilePath);
        QemuProcess.TryDelete(spec.QmpSocketPath);
        foreach (var path in new[] { spec.PidFilePath, spec.QmpSocketPath, spec.SerialLogPath })
            if (path is not null && Path.GetDirectoryName(path) is { Length: > 0 } dir) Directory.CreateDirectory(dir);

        Log.Starting(_log, spec.Name, accel);
        try
        {
            // Returns when the daemonizing parent exits, i.e. after devices are set up and the QMP
            // socket listens; a bad option or a missing image fails here with QEMU's stderr.
            if (spec.Netns is { } netns)
                await runner.RunAsync("ip", ["netns", "exec", netns, _options.QemuBinary, .. argv], _options.StartTimeout, ct: ct).ConfigureAwait(false);
            else
                await runner.RunAsync(_options.QemuBinary, argv, _options.StartTimeout, ct: ct).ConfigureAwait(false);
        }
        catch (ProcessFailedException e)
        {
            if (ReadLivePid(spec) is { } half) LinuxProcess.Kill(half.Pid, half.StartTicks);
            QemuProcess.TryDelete(spec.PidFilePath);
            QemuProcess.TryDelete(spec.QmpSocketPath);
            throw new QemuStartException($"VM '{spec.Name}' did not start: {e.Message}", e);
        }
        var live = ReadLivePid(spec) ?? throw new QemuStartException(
            $"VM '{spec.Name}': QEMU reported success but {spec.PidFilePath} names no running QEMU; it exited right away (see {spec.SerialLogPath ?? "its serial log"})");
        try
        {
            var qmp = await QmpClient.ConnectAsync(spec.QmpSocketPath, _options.QmpTimeout, _time, ct).ConfigureAwait(false);
            if (spec.Vnc?.Password is { } password) await qmp.ChangeVncPasswordAsync(password, ct).ConfigureAwait(false);
            var process = Track(spec, live, qmp, adopted: false);
            Log.Started(_log, spec.Name, live.Pid);
            return process;
        }
        catch (Exception e) when (e is QmpException or OperationCanceledException)
        {
            LinuxProcess.Kill(live.Pid, live.StartTicks);
            QemuProcess.TryDelete(spec.PidFilePath);
            QemuProcess.TryDelete(spec.QmpSocketPath);
            if (e is OperationCanceledException) throw;
            throw new QemuStartException($"VM '{spec.Name}' started as pid {live.Pid} but QMP failed, so it was killed: {e.Message}", e);
        }
    }

    /// <summary>Takes over a VM an earlier agent started: the pidfile must name a live QEMU whose
    /// command line holds this spec's QMP socket (a recycled pid will not). Returns null when there
    /// is nothing to adopt; stale pidfile and socket are removed then.</summary>
    public async Task<QemuProcess?> AdoptAsync(QemuDomainSpec spec, CancellationToken ct = default)
    {
        if (ReadLivePid(spec) is not { } live)
        {
            if (File.Exists(spec.PidFilePath)) Log.Stale(_log, spec.Name, spec.PidFilePath);
            QemuProcess.TryDelete(spec.PidFilePath);
            QemuProcess.TryDelete(spec.QmpSocketPath);
            return null;
        }
        QmpClient qmp;
        try
        {
            qmp = await QmpClient.ConnectAsync(spec.QmpSocketPath, _options.QmpTimeout, _time, ct).ConfigureAwait(false);
        }
        catch (QmpException e)
        {
            throw new QemuStartException(
                $"VM '{spec.Name}' runs as pid {live.Pid} but its QMP socket does not answer: {e.Message}. Stop it by pid or restart it", e);
        }
        var process = Track(spec, live, qmp, adopted: true);
        Log.Adopted(_log, spec.Name, live.Pid);
        return process;
    }

    private QemuProcess Track(QemuDomainSpec spec, (int Pid, long StartTicks) live, QmpClient qmp, bool adopted)
    {
        var process = new QemuProcess(spec, live.Pid, live.StartTicks, qmp, adopted, _options, _time, exit =>
        {
            Log.Exited(_log, exit.Describe());
            _exits.Writer.TryWrite(exit);
        });
        process.StartMonitor();
        return process;
    }

    /// <summary>The pid in the spec's pidfile, when it is a live QEMU serving this spec's QMP socket.</summary>
    internal static (int Pid, long StartTicks)? ReadLivePid(QemuDomainSpec spec)
    {
        string text;
        try
        {
            text = File.ReadAllText(spec.PidFilePath).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 1) return null;
        if (ProcStat.TryRead(pid) is not { IsGone: false } stat) return null;
        var cmdline = LinuxProcess.ReadCmdline(pid);
        var isQemu = cmdline.Length > 0 && Path.GetFileName(cmdline[0]).StartsWith("qemu-system", StringComparison.Ordinal);
        var ourSocket = cmdline.Any(a => a.Contains(spec.QmpSocketPath.Replace(",", ",,", StringComparison.Ordinal), StringComparison.Ordinal));
        return isQemu && ourSocket ? (pid, stat.StartTicks) : null;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 601, Level = LogLevel.Information, Message = "starting VM {Domain} with {Accel}")]
        public static partial void Starting(ILogger logger, string domain, QemuAccel accel);

        [LoggerMessage(EventId = 602, Level = LogLevel.Information, Message = "VM {Domain} running as pid {Pid}")]
        public static partial void Started(ILogger logger, string domain, int pid);

        [LoggerMessage(EventId = 603, Level = LogLevel.Information, Message = "adopted VM {Domain} running as pid {Pid}")]
        public static partial void Adopted(ILogger logger, string domain, int pid);

        [LoggerMessage(EventId = 604, Level = LogLevel.Information, Message = "VM {Domain}: pidfile {PidFile} names no live QEMU; removed it")]
        public static partial void Stale(ILogger logger, string domain, string pidFile);

        [LoggerMessage(EventId = 605, Level = LogLevel.Warning, Message = "{Description}")]
        public static partial void Exited(ILogger logger, string description);
    }
}
