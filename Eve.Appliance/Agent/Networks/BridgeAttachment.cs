using System.Collections.Immutable;
using System.Threading.Channels;
using Eve.Appliance.Agent.Apps;
using Eve.Appliance.Platform.Qemu;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Agent.Networks;

/// <summary>The networks part's answer to the apps part (<see cref="IAppNetworkAttachment"/>): an app NIC is a
/// tap the networks reconciler made on its instance's bridge, in the device namespace, so QEMU must run
/// there too. The apps part asks when it starts a VM; this waits for the tap (a new app and its network
/// arrive in the same config, and the networks pass may not have run yet) and then hands over the tap's
/// name and MAC. The networks subsystem feeds it after every pass and observation.</summary>
internal sealed class BridgeAttachment(string? netns, TimeSpan? waitForTap = null) : IAppNetworkAttachment
{
    private readonly TimeSpan _wait = waitForTap ?? TimeSpan.FromSeconds(30);
    private readonly Channel<Guid> _changes = Channel.CreateUnbounded<Guid>();
    private readonly Lock _lock = new();
    private ImmutableDictionary<(Guid App, int Index), AppNicState> _nics = ImmutableDictionary<(Guid, int), AppNicState>.Empty;
    private TaskCompletionSource _updated = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string? Netns => netns;

    public ChannelReader<Guid> Changes => _changes.Reader;

    public async ValueTask<QemuNic?> AttachAsync(Guid app, int index, AppInterfaceIntent adapter, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_wait);
        while (true)
        {
            Task updated;
            lock (_lock)
            {
                if (_nics.TryGetValue((app, index), out var nic) && nic.Ready) return QemuNic.Tap(nic.Vif, nic.Mac);
                updated = _updated.Task;
            }
            try
            {
                await updated.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return null; // the app reports "network not ready" and retries
            }
        }
    }

    /// <summary>Taps go with the app's interfaces in the config (the networks pass deletes them).</summary>
    public ValueTask DetachAsync(Guid app, CancellationToken ct) => ValueTask.CompletedTask;

    public IReadOnlyList<ZInfoNetwork> Status(Guid app)
    {
        var nics = _nics.Values.Where(n => n.App == app).OrderBy(n => n.Index);
        return [.. nics.Select(n =>
        {
            var info = new ZInfoNetwork { MacAddr = n.Mac, DevName = n.AdapterName, LocalName = n.Vif, Ipv4Up = n.Ip != null };
            if (n.Ip != null) info.IPAddrs.Add(n.Ip);
            if (n.Gateway != null) info.DefaultRouters.Add(n.Gateway);
            return info;
        })];
    }

    /// <summary>Replaces the known NICs; apps whose NICs changed are announced on <see cref="Changes"/>.</summary>
    public void Update(IEnumerable<AppNicState> nics)
    {
        TaskCompletionSource wake;
        var changed = new HashSet<Guid>();
        lock (_lock)
        {
            var next = nics.ToImmutableDictionary(n => (n.App, n.Index));
            foreach (var (key, nic) in next)
                if (!_nics.TryGetValue(key, out var old) || old != nic) changed.Add(key.App);
            foreach (var key in _nics.Keys.Where(k => !next.ContainsKey(k))) changed.Add(key.App);
            _nics = next;
            wake = _updated;
            _updated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        wake.TrySetResult();
        foreach (var app in changed) _changes.Writer.TryWrite(app);
    }
}
