using Eve.Appliance.Platform.Net;
using Eve.Appliance.Platform.Processes;
using Org.Lfedge.Eve.Config;
using Org.Lfedge.Eve.Flowlog;

namespace Eve.Appliance.Agent.Networks;

/// <summary>Reads the device namespace's conntrack table (<c>conntrack -L</c>, Debian package conntrack)
/// and turns finished connections of apps on local instances that log flows (all but those with
/// <c>disable_flowlog</c>) into FlowMessages for the controller's /flowlog.</summary>
internal sealed class FlowLogPump(IProcessRunner runner, string? netns)
{
    private readonly FlowLogCollector _collector = new();

    public async Task<IReadOnlyList<FlowMessage>> CollectAsync(NetworksStatus status, NetworksArgs args, DateTimeOffset now, CancellationToken ct)
    {
        var scopes = Scopes(status, args);
        var (file, argv) = NetnsCommand.Exec(netns, "conntrack", ["-L", "-o", "id,extended"]);
        var result = await runner.RunAsync(file, argv, TimeSpan.FromSeconds(20), ct: ct).ConfigureAwait(false);
        var flows = result.Stdout.Split('\n').Select(ConntrackFlow.Parse).OfType<ConntrackFlow>().ToList();
        return _collector.Observe(flows, scopes, now);
    }

    public static IReadOnlyList<FlowScope> Scopes(NetworksStatus status, NetworksArgs args)
    {
        var logging = args.Instances.Where(n => n.InstType == ZNetworkInstType.ZnetInstLocal && !n.DisableFlowlog)
            .Select(n => n.Uuidandversion?.Uuid ?? "").ToHashSet(StringComparer.OrdinalIgnoreCase);
        var names = args.AppInterfaces.ToDictionary(a => (a.AppUuid.ToLowerInvariant(), a.Index), a => a.Adapter.Name);
        return [.. status.Instances.Where(i => logging.Contains(i.Uuid)).SelectMany(i => i.Apps.Where(a => a.Ip != null).Select(a =>
            new FlowScope(a.AppUuid, names.GetValueOrDefault((a.AppUuid.ToLowerInvariant(), a.Index), ""), a.Vif, i.Uuid, a.Ip!,
                a.Acls.Select((ace, n) => (Id: AceTranslator.AceId(ace, n), ace.Name)).GroupBy(x => x.Id)
                    .ToDictionary(g => g.Key, g => g.First().Name))))];
    }
}
