using Eve.Appliance.Agent.Config;
using Eve.Appliance.Agent.Node;
using Eve.Appliance.Agent.Watchdog;
using Eve.Appliance.Platform.Gpt;
using Microsoft.Extensions.Logging;
using Org.Lfedge.Eve.Info;
using S = Eve.Appliance.Agent.BaseOs.EvePartitionState;

namespace Eve.Appliance.Agent.BaseOs;

/// <summary>EVE's baseosmgr + the update half of nodeagent, on a real A/B disk. At start it reads
/// the GPT for the partition it booted from and feeds <see cref="BaseOsEvent.Started"/> to the pure
/// machine: a fresh update (inprogress) starts its test window, a fallback (other inprogress) is
/// remembered as a failed version. Then it follows the config: `baseos` names a content tree, which
/// is downloaded and verified, written to the other partition (sha256 inline, read back), its
/// version read out of the image (<see cref="ImageVersionReader"/>), the partition marked updating,
/// the reason recorded, and a reboot requested. `force.fallback.counter` rolls back on purpose;
/// `baseos.retry_update.counter` lifts the refusal of a failed version.
/// Every GPT change goes through <see cref="BaseOsTransitions"/> and one crash-safe GPT rewrite.</summary>
internal sealed partial class BaseOsSubsystem(BaseOsOptions options, IRebootController reboot, BootHistory history,
    Func<AgentContext, IReadOnlyList<IHealthGate>> gates, ImageVersionReader versions) : IAgentSubsystem
{
    public const string NoDiskMessage = "no A/B disk on this machine: base-OS updates are off (start with --boot-disk DISK to enable them)";

    private readonly SemaphoreSlim _lock = new(1, 1);
    private BaseOsReport? _report;
    // The config loop's heartbeat, also beaten from inside a download or partition write: those take
    // minutes on a slow disk or link, and silence there must not read as a hung loop to the watchdog.
    private Heartbeat? _beat;
    private ILogger _log = null!;
    private AgentContext _context = null!;
    private IBlockDevice _dev = null!;
    private BaseOsMemory _memory = null!;
    private string _current = "", _other = "", _currentVersion = "", _otherVersion = "";
    private BaseOsSlots _slots;
    private volatile bool _rebooting;

    public string Name => "baseos";

    /// <summary>What the subsystem shows in info (tests read it directly).</summary>
    public BaseOsReport Report => _report ?? throw new InvalidOperationException("the base-OS subsystem has not started");

    public async Task RunAsync(AgentContext context, CancellationToken ct)
    {
        _context = context;
        _log = context.Loggers.CreateLogger("BaseOs");
        if (_report == null)
        {
            _report = new BaseOsReport(context.Time);
            context.Reports.AddDeviceInfo(_report.Contribute);
        }
        if (options.BootDisk is null)
        {
            _report.Error(NoDiskMessage);
            context.Reports.DeviceInfoChanged();
            _log.LogInformation("{Message}", NoDiskMessage);
            await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
            return;
        }

        _current = options.CurrentPartition ?? KernelCommandLine.BootedPartition();
        _other = BaseOsPartitionTable.OtherOf(_current);
        using var dev = FileBlockDevice.Open(options.BootDisk, writable: true);
        _dev = dev;
        _memory = new BaseOsMemory(context.Options.PersistDir);
        _slots = await BaseOsPartitionTable.ReadAsync(dev, _current, ct).ConfigureAwait(false);
        _currentVersion = await TryVersionAsync(_current, ct).ConfigureAwait(false);
        _otherVersion = _slots.Other == S.Unused && _memory.Staged == null ? "" : await TryVersionAsync(_other, ct).ConfigureAwait(false);
        _report.Partitions(_current, _other, _slots, _currentVersion, _otherVersion);
        _log.LogInformation("booted {Current} ({Version}): {Slots}", _current, _currentVersion, _slots);

        Task testWindow = Task.CompletedTask;
        var started = BaseOsTransitions.Next(_slots, BaseOsEvent.Started);
        if (started.Refused) _report.Error(started.Refusal);
        foreach (var a in started.Actions)
        {
            switch (a.Kind)
            {
                case BaseOsActionKind.ReportFailedUpdate:
                    var failed = _memory.Staged?.Version ?? _otherVersion;
                    _memory.MarkFailed(failed, _memory.Staged?.RetryCounter ?? 0);
                    _report.Set(BaseOsStatus.Fallback);
                    _report.Error($"update to {failed} in {_other} failed and the device fell back to {_currentVersion} in {_current}" +
                        (_memory.LastFailure is { } why ? $": {why}" : "") + ". It is refused until baseos.retry_update.counter changes");
                    break;
                case BaseOsActionKind.Reboot:
                    await RebootAsync(BootReason.Update, $"{a.Reason}: booting {_other} ({_otherVersion})", ct).ConfigureAwait(false);
                    break;
                case BaseOsActionKind.StartTestWindow:
                    _report.Set(BaseOsStatus.Updating, BaseOsSubStatus.UpdateTesting, "test window starting");
                    testWindow = TestWindowAsync(ct);
                    break;
            }
        }
        context.Reports.DeviceInfoChanged();

        var changes = context.Hub.Subscribe();
        var configLoop = FollowConfigAsync(changes, ct);
        await Task.WhenAll(testWindow, configLoop).ConfigureAwait(false);
    }

    private async Task FollowConfigAsync(System.Threading.Channels.ChannelReader<DesiredState> changes, CancellationToken ct)
    {
        using var beat = _context.Health?.Register(Name);
        _beat = beat;
        while (true)
        {
            beat?.Idle();
            DesiredState state;
            using (var retry = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                // A failed download or write is tried again with the same config after a while.
                retry.CancelAfter(options.RetryInterval);
                try { state = await changes.ReadAsync(retry.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    if (_context.Hub.Current is not { } cur || _report!.LastError == null) continue;
                    state = cur;
                }
            }
            if (_rebooting) continue;
            beat?.Beat();
            await _lock.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                if (_rebooting) continue;
                await FollowAsync(state, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                _log.LogError(e, "base-OS update failed");
                _report!.Set(BaseOsStatus.Failed);
                _report.Error(e.Message);
            }
            finally
            {
                _lock.Release();
                _context.Reports.DeviceInfoChanged();
            }
        }
    }

    private async Task<string> TryVersionAsync(string partition, CancellationToken ct)
    {
        try { return await versions.ReadAsync(_dev, partition, ct).ConfigureAwait(false); }
        catch (InvalidDataException e)
        {
            _log.LogWarning("{Partition}: {Reason}", partition, e.Message);
            return "";
        }
    }

    /// <summary>Writes the transition's states in one GPT rewrite and remembers the new state.</summary>
    private async Task ApplyAsync(BaseOsTransition t, CancellationToken ct)
    {
        await BaseOsPartitionTable.ApplyAsync(_dev, _current, t.Actions, ct).ConfigureAwait(false);
        _slots = t.State;
        _report!.Slots(_slots);
    }

    private async Task RebootAsync(BootReason reason, string text, CancellationToken ct)
    {
        _rebooting = true;
        _log.LogWarning("rebooting: {Reason}", text);
        history.RecordIntent(reason, text);
        _report!.Set(BaseOsStatus.Updating, BaseOsSubStatus.UpdateRebooting, text);
        _context.Reports.DeviceInfoChanged();
        await reboot.RebootAsync(text, ct).ConfigureAwait(false);
    }
}
