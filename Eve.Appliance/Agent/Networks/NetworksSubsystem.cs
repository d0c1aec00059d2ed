using Eve.Appliance.Agent.Config;
using Eve.Appliance.Platform.Processes;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging;
using Org.Lfedge.Eve.Config;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Agent.Networks;

/// <summary>
/// The agent's app-networks part: on each desired state, and when an asynchronous item completes,
/// run the networks reconciler over the config's network instances and the apps' NICs, then report
/// each instance (ZInfoNetworkInstance, latest-wins per instance). Works only inside the namespace
/// the options name, so a workstation's own interfaces and firewall are never touched.
/// </summary>
internal sealed class NetworksSubsystem(NetworksOptions options, IReadOnlyList<DevicePort> ports, IProcessRunner runner) : IAgentSubsystem
{
    public string Name => "networks";

    /// <summary>The status of the last pass, for tests and diagnostics.</summary>
    public NetworksStatus? LastStatus { get; private set; }

    public async Task RunAsync(AgentContext context, CancellationToken ct)
    {
        var log = context.Loggers.CreateLogger("Networks");
        if (options.Netns != null) await EnsureNamespaceAsync(options.Netns, ct).ConfigureAwait(false);
        var reconciler = NetworksReconciler.Create(options, runner, context.Loggers);
        var states = context.Hub.Subscribe();
        var reported = new HashSet<string>();
        IReadOnlyList<Org.Lfedge.Eve.Metrics.ZMetricNetworkInstance> metrics = [];
        context.Reports.AddMetrics(m => m.Nm.AddRange(Volatile.Read(ref metrics)));
        DesiredState? desired = null;
        while (!ct.IsCancellationRequested)
        {
            // Wake on a new desired state or on an async item finishing; retry failures every 10 s.
            var next = states.WaitToReadAsync(ct).AsTask();
            var asyncDone = reconciler.AsyncDone.WaitToReadAsync(ct).AsTask();
            await Task.WhenAny(next, asyncDone, Task.Delay(TimeSpan.FromSeconds(10), context.Time, ct)).ConfigureAwait(false);
            while (states.TryRead(out var s)) desired = s;
            while (reconciler.AsyncDone.TryRead(out _)) { }
            if (desired == null) continue;

            var status = await reconciler.ReconcileAsync(ArgsFrom(desired.Config), ct).ConfigureAwait(false);
            LastStatus = status;
            var now = context.Time.GetUtcNow();
            var live = new HashSet<string>();
            foreach (var ni in status.Instances)
            {
                live.Add(ni.Uuid);
                var config = desired.Config.NetworkInstances.FirstOrDefault(n => n.Uuidandversion?.Uuid == ni.Uuid);
                context.Reports.PublishInfo(new ZInfoMsg { Ztype = ZInfoTypes.ZiNetworkInstance, Niinfo = InfoOf(ni, config, now) }, "ni/" + ni.Uuid);
            }
            foreach (var gone in reported.Except(live))
            {
                // EVE reports a deleted instance once more with no state, so the controller drops it.
                context.Reports.PublishInfo(new ZInfoMsg { Ztype = ZInfoTypes.ZiNetworkInstance, Niinfo = new ZInfoNetworkInstance { NetworkID = gone } }, "ni/" + gone);
                log.LogInformation("network instance {Uuid} removed", gone);
            }
            reported = live;
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

    private static ZInfoNetworkInstance InfoOf(NetworkInstanceStatus ni, NetworkInstanceConfig? config, DateTimeOffset now)
    {
        var info = new ZInfoNetworkInstance
        {
            NetworkID = ni.Uuid,
            NetworkVersion = config?.Uuidandversion?.Version ?? "",
            InstType = (uint)ni.Kind,
            Displayname = ni.DisplayName,
            Activated = ni.Ready,
            BridgeName = ni.Bridge,
            BridgeIPAddr = ni.Gateway ?? "",
            State = ni.Ready ? ZNetworkInstanceState.ZnetinstStateOnline : ZNetworkInstanceState.ZnetinstStateError,
        };
        if (ni.Uplink != null) info.Ports.Add(ni.Uplink);
        foreach (var app in ni.Apps)
        {
            var assignment = new ZmetIPAssignmentEntry { MacAddress = app.Mac };
            if (app.Ip != null) assignment.IpAddress.Add(app.Ip);
            info.IpAssignments.Add(assignment);
            info.Vifs.Add(new ZmetVifInfo { VifName = app.Vif, MacAddress = app.Mac, AppID = app.AppUuid });
        }
        foreach (var e in ni.Errors)
            info.NetworkErr.Add(new ErrorInfo { Description = e, Timestamp = Timestamp.FromDateTimeOffset(now), Severity = Severity.Error });
        return info;
    }

    private async Task EnsureNamespaceAsync(string netns, CancellationToken ct)
    {
        var list = await runner.RunAsync("ip", ["netns", "list"], ct: ct).ConfigureAwait(false);
        if (list.Stdout.Split('\n').Any(l => l.Split(' ')[0] == netns)) return;
        await runner.RunAsync("ip", ["netns", "add", netns], ct: ct).ConfigureAwait(false);
        await runner.RunAsync("ip", ["-n", netns, "link", "set", "lo", "up"], ct: ct).ConfigureAwait(false);
    }
}
