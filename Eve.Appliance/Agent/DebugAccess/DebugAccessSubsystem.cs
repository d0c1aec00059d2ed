using Microsoft.Extensions.Logging;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Agent.DebugAccess;

/// <summary>
/// Debug access as EVE gives it: none by default; the <c>debug.enable.ssh</c> config item (an ssh
/// public key) is the only way to allow an ssh login, and the local <c>remote_access_disabled</c>
/// file overrides it. Each config (and a periodic re-check of the local file) recomputes the
/// authorized_keys file: written when the item is set and allowed, removed when the item goes or
/// remote access is disabled. Device info carries remote_access_disabled and the item's status.
/// </summary>
internal sealed class DebugAccessSubsystem(TimeSpan? recheck = null) : IAgentSubsystem
{
    public const string SshItem = "debug.enable.ssh";

    private readonly Lock _lock = new();
    private bool _remoteDisabled;
    private string? _itemValue;
    private string? _itemError;

    public string Name => "debug-access";

    public async Task RunAsync(AgentContext context, CancellationToken ct)
    {
        var log = context.Loggers.CreateLogger("DebugAccess");
        var keys = new AuthorizedKeys(Path.Combine(context.Options.PersistDir, "ssh"));
        var remote = new RemoteAccessSwitch(context.Options.ConfigDir);
        context.Reports.AddDeviceInfo(Contribute);
        var updates = context.Hub.Subscribe();
        var period = recheck ?? TimeSpan.FromSeconds(30);
        while (!ct.IsCancellationRequested)
        {
            if (Apply(context.Hub.Current?.Item(SshItem), remote.IsDisabled, keys, log)) context.Reports.DeviceInfoChanged();
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            wait.CancelAfter(period);
            try { await updates.ReadAsync(wait.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested) { }
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
            info.ConfigItemStatus.ConfigItems[SshItem] = new ZInfoConfigItem { Value = _itemValue, Error = _itemError ?? "" };
        }
    }
}
