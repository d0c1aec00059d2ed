using Eve.Appliance.Platform.Processes;
using Microsoft.Extensions.Logging;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Agent.DebugAccess;

/// <summary>
/// Debug access as EVE gives it: none by default; the <c>debug.enable.ssh</c> config item (an ssh
/// public key) is the only way to allow an ssh login, and the local <c>remote_access_disabled</c>
/// file overrides it. Each config (and a periodic re-check of the local file) recomputes the
/// authorized_keys file: written when the item is set and allowed, removed when the item goes or
/// remote access is disabled; a real sshd (<see cref="SshDaemon"/>) runs exactly while the file
/// is there, and is started again when it dies. Device info carries remote_access_disabled and the
/// item's status (with why sshd could not start, when it could not).
/// </summary>
internal sealed class DebugAccessSubsystem(TimeSpan? recheck = null) : IAgentSubsystem
{
    public const string SshItem = "debug.enable.ssh";

    private readonly Lock _lock = new();
    private bool _remoteDisabled;
    private string? _itemValue;
    private string? _itemError;
    private string? _sshdError;

    public string Name => "debug-access";

    public async Task RunAsync(AgentContext context, CancellationToken ct)
    {
        var log = context.Loggers.CreateLogger("DebugAccess");
        var sshDir = Path.Combine(context.Options.PersistDir, "ssh");
        var keys = new AuthorizedKeys(sshDir);
        var remote = new RemoteAccessSwitch(context.Options.ConfigDir);
        using var daemon = new SshDaemon(sshDir, context.Options.Sshd, ProcessRunner.Default, log);
        context.Reports.AddDeviceInfo(Contribute);
        var updates = context.Hub.Subscribe();
        var period = recheck ?? TimeSpan.FromSeconds(30);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var changed = Apply(context.Hub.Current?.Item(SshItem), remote.IsDisabled, keys, log);
                changed |= await SuperviseAsync(daemon, keys, log, ct).ConfigureAwait(false);
                if (changed) context.Reports.DeviceInfoChanged();
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                wait.CancelAfter(period);
                var exited = daemon.Exited;
                await Task.WhenAny(updates.ReadAsync(wait.Token).AsTask(), exited).ConfigureAwait(false);
                // sshd exited first: the read still waits, and must not swallow the next config.
                await wait.CancelAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            // The agent going away takes its debug sshd (and open sessions) with it; the next
            // agent run starts it again if the item is still set.
            await daemon.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>sshd runs while authorized_keys exists (the item is set, valid and allowed); true
    /// when what info reports about it changed.</summary>
    internal async Task<bool> SuperviseAsync(SshDaemon daemon, AuthorizedKeys keys, ILogger log, CancellationToken ct)
    {
        string? error = null;
        if (File.Exists(keys.FilePath))
        {
            try
            {
                await daemon.EnsureRunningAsync(keys.FilePath, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SshdException or TimeoutException or IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
            {
                error = e is SshdException ? e.Message : $"debug sshd did not start: {e.Message}";
                log.LogWarning("{Error}", error);
                await daemon.StopAsync(ct).ConfigureAwait(false);
            }
        }
        else
        {
            await daemon.StopAsync(ct).ConfigureAwait(false);
        }
        lock (_lock)
        {
            var changed = _sshdError != error;
            _sshdError = error;
            return changed;
        }
    }

    /// <summary>One pass; true when what device info reports changed.</summary>
    internal bool Apply(string? item, bool remoteDisabled, AuthorizedKeys keys, ILogger log)
    {
        string? error = null;
        if (item == null)
        {
            if (keys.Remove()) log.LogInformation("debug ssh access removed: {Item} is no longer set", SshItem);
        }
        else if (remoteDisabled)
        {
            error = $"ignored: remote access is disabled on this device ({RemoteAccessSwitch.FileName} in the config partition)";
            if (keys.Remove()) log.LogWarning("debug ssh access removed: {Reason}", error);
        }
        else
        {
            var (lines, problem) = AuthorizedKeys.Parse(item);
            error = problem;
            if (problem != null)
            {
                keys.Remove();
                log.LogWarning("{Problem}", problem);
            }
            else if (keys.Write(lines))
            {
                log.LogInformation("debug ssh access enabled for {Count} key(s) in {File}", lines.Count, keys.FilePath);
            }
        }
        lock (_lock)
        {
            var changed = _remoteDisabled != remoteDisabled || _itemValue != item || _itemError != error;
            (_remoteDisabled, _itemValue, _itemError) = (remoteDisabled, item, error);
            return changed;
        }
    }

    internal void Contribute(ZInfoDevice info)
    {
        lock (_lock)
        {
            info.RemoteAccessDisabled = _remoteDisabled;
            if (_itemValue == null) return;
            info.ConfigItemStatus ??= new ZInfoConfigItemStatus();
            info.ConfigItemStatus.ConfigItems[SshItem] = new ZInfoConfigItem { Value = _itemValue, Error = _itemError ?? _sshdError ?? "" };
        }
    }
}
