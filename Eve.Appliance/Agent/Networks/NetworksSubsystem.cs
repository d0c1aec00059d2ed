using Eve.Appliance.Agent.Config;
using Eve.Appliance.Agent.Networks.Items;
using Eve.Appliance.Agent.Reconcile;
using Eve.Appliance.Platform.Net;
using Eve.Appliance.Platform.Processes;
using Microsoft.Extensions.Logging;
using Org.Lfedge.Eve.Config;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Agent.Networks;

/// <summary>
/// The agent's app-networks part: on each desired state, when an asynchronous item completes, and every
/// retry interval, run the networks reconciler over the config's network instances and the apps' NICs;
/// between passes, watch what the apps do (taps up, DHCP leases, learnt switch addresses) and tell the apps
/// part (<see cref="Attachment"/>); keep a metadata server per local instance; read conntrack for flow
/// logs; report each instance (ZInfoNetworkInstance, latest-wins per instance, re-sent when it changes).
/// Works only inside the namespace the options name, so a workstation's own interfaces and firewall are
/// never touched.
/// </summary>
internal sealed class NetworksSubsystem(NetworksOptions options, IReadOnlyList<DevicePort> ports, IProcessRunner runner) : IAgentSubsystem
{
    // Swapped whole after each pass; read by the metadata servers' request threads.
    private volatile MetadataDirectory _metadata = MetadataDirectory.Empty;

    public string Name => "networks";

    /// <summary>What the apps part plugs VMs into: taps on the instances' bridges, in <see cref="NetworksOptions.Netns"/>.</summary>
    public BridgeAttachment Attachment { get; } = new(options.Netns);

    /// <summary>The status of the last pass, for tests and diagnostics.</summary>
    public NetworksStatus? LastStatus { get; private set; }

    /// <summary>What the metadata servers answer now.</summary>
    public MetadataDirectory Metadata => _metadata;

    public async Task RunAsync(AgentContext context, CancellationToken ct)
    {
        var log = context.Loggers.CreateLogger("Networks");
        if (options.Netns != null) await EnsureNamespaceAsync(options.Netns, ct).ConfigureAwait(false);
        var reconciler = NetworksReconciler.Create(options, runner, context.Loggers);
        var ip = new IpLinkClient(runner);
        var observer = new AppNicObserver(new DnsmasqSupervisor(runner, options.RunDir), new NftClient(runner), options.Netns, context.Time);
        var flows = new FlowLogPump(runner, options.Netns);
        await using var servers = new MetadataServers(options.Netns, () => _metadata, log);
        var reports = new NetworkInfoReports(context.Reports);
        var states = context.Hub.Subscribe();
        IReadOnlyList<Org.Lfedge.Eve.Metrics.ZMetricNetworkInstance> metrics = [];
        context.Reports.AddMetrics(m => m.Nm.AddRange(Volatile.Read(ref metrics)));
        DesiredState? desired = null;
        NetworksArgs? args = null;
        NetworksStatus? status = null;
        var now = context.Time.GetUtcNow();
        DateTimeOffset reconcileAt = now, flowsAt = now + options.FlowLogInterval;
        // A reconcile pass that hangs (a stuck ip/nft/dnsmasq call) trips the watchdog with our name.
        using var beat = context.Health?.Register(Name);
        while (!ct.IsCancellationRequested)
        {
            // Wake on a new desired state, on an async item finishing, or to observe.
            var next = states.WaitToReadAsync(ct).AsTask();
            var asyncDone = reconciler.AsyncDone.WaitToReadAsync(ct).AsTask();
            beat?.Idle();
            await Task.WhenAny(next, asyncDone, Task.Delay(options.ObserveInterval, context.Time, ct)).ConfigureAwait(false);
            beat?.Beat();
            ct.ThrowIfCancellationRequested();
            now = context.Time.GetUtcNow();
            var changed = false;
            while (states.TryRead(out var s)) (desired, changed) = (s, true);
            while (reconciler.AsyncDone.TryRead(out _)) changed = true;
            if (desired == null) continue;

            if (changed || now >= reconcileAt || status == null)
            {
                args = ArgsFrom(desired.Config);
                status = await reconciler.ReconcileAsync(args, ct).ConfigureAwait(false);
                LastStatus = status;
                reconcileAt = now + options.RetryInterval;
                var externals = await ExternalAddressesAsync(ip, status, ct).ConfigureAwait(false);
                _metadata = MetadataDirectory.Build(desired.Config, context.Session.DeviceId ?? "", status.Instances,
                    ni => ni.Uplink != null ? externals.GetValueOrDefault(ni.Uplink) : null, context.Decryptor);
                var current = reconciler.Current;
                await servers.SyncAsync(status.Instances, ni => current.StateOf(BridgeItem.RefOf(ni.Bridge))?.State == ItemStateKind.Created, ct)
                    .ConfigureAwait(false);
            }
            var nics = await observer.ObserveAsync(status, args!, reconciler.Current, ct).ConfigureAwait(false);
            Attachment.Update(nics);
            reports.Publish(status, desired.Config, nics, now, log);

            if (now >= flowsAt)
            {
                flowsAt = now + options.FlowLogInterval;
                try
                {
                    foreach (var message in await flows.CollectAsync(status, args!, now, ct).ConfigureAwait(false))
                        context.Reports.PublishFlowLog(message);
                }
                catch (ProcessFailedException e)
                {
                    log.LogWarning("flow logs: reading conntrack failed: {Error}", e.Message);
                }
            }
            var links = status.Instances.Select(ni => new Telemetry.NetworkInstanceLinks(ni.Uuid, ni.DisplayName, (uint)ni.Kind, ni.Bridge, [.. ni.Apps.Select(a => a.Vif)])).ToList();
            try
            {
                var fresh = await Telemetry.NetworkInstanceMetrics.ReadAsync(runner, options.Netns, links, ct).ConfigureAwait(false);
                Volatile.Write(ref metrics, fresh);
            }
            catch (ProcessFailedException e) { log.LogWarning("network instance counters unreadable: {Reason}", e.Message); }
        }
    }

    /// <summary>App NICs come straight from the config: the tap names are a pure function of the app
    /// and NIC index (<see cref="NetworkNames.Vif"/>), so the apps part computes the same names.</summary>
    internal NetworksArgs ArgsFrom(EdgeDevConfig config)
    {
        var nics = new List<AppNetworkInterface>();
        foreach (var app in config.Apps.Where(a => a.Uuidandversion != null))
            foreach (var (adapter, i) in app.Interfaces.Select((a, i) => (a, i)))
                if (adapter.NetworkId != "") nics.Add(new AppNetworkInterface(app.Uuidandversion.Uuid, app.Displayname, i, adapter));
        return new NetworksArgs([.. config.NetworkInstances.Where(n => n.Uuidandversion != null)], nics, ports);
    }

    /// <summary>The IPv4 address of each uplink in use: what a portmapped app's peers connect to.</summary>
    private async Task<Dictionary<string, string>> ExternalAddressesAsync(IpLinkClient ip, NetworksStatus status, CancellationToken ct)
    {
        var result = new Dictionary<string, string>();
        foreach (var uplink in status.Instances.Select(i => i.Uplink).OfType<string>().Distinct())
            if (await ip.GetLinkAsync(uplink, options.Netns, ct).ConfigureAwait(false) is { } link
                && link.Addresses.FirstOrDefault(a => a.Contains('.')) is { } cidr)
                result[uplink] = cidr.Split('/')[0];
        return result;
    }

    private async Task EnsureNamespaceAsync(string netns, CancellationToken ct)
    {
        var list = await runner.RunAsync("ip", ["netns", "list"], ct: ct).ConfigureAwait(false);
        if (list.Stdout.Split('\n').Any(l => l.Split(' ')[0] == netns)) return;
        await runner.RunAsync("ip", ["netns", "add", netns], ct: ct).ConfigureAwait(false);
        await runner.RunAsync("ip", ["-n", netns, "link", "set", "lo", "up"], ct: ct).ConfigureAwait(false);
    }
}
