using Google.Protobuf.WellKnownTypes;
using Org.Lfedge.Eve.Flowlog;

namespace Eve.Appliance.Agent.Networks;

/// <summary>Turns successive conntrack snapshots of the device namespace into EVE flow records, one
/// FlowMessage per app NIC. A flow is recorded once, when it is over: it left the table, or it is a TCP
/// connection already closing (TIME_WAIT would otherwise hide it for two minutes). Direction and counters
/// are from the app's side: an outbound flow was opened by the app (tx = original direction), an inbound
/// one reached it (a port map; rx = original direction). The ACE that let it through is the connection's
/// ct mark, which our ACL rules set to the ACE id; 0 is EVE's implicit rule.</summary>
internal sealed class FlowLogCollector(int maxRecordsPerMessage = 500)
{
    private Dictionary<uint, (ConntrackFlow Flow, DateTimeOffset FirstSeen)> _live = [];
    private HashSet<uint> _reported = [];

    public IReadOnlyList<FlowMessage> Observe(IReadOnlyList<ConntrackFlow> snapshot, IReadOnlyList<FlowScope> scopes, DateTimeOffset now)
    {
        var byIp = scopes.GroupBy(s => s.Ip).ToDictionary(g => g.Key, g => g.First());
        var ended = new List<(ConntrackFlow Flow, DateTimeOffset Start)>();
        var live = new Dictionary<uint, (ConntrackFlow, DateTimeOffset)>();
        foreach (var flow in snapshot.Where(f => f.Id != 0))
        {
            var start = _live.TryGetValue(flow.Id, out var seen) ? seen.FirstSeen : now;
            live[flow.Id] = (flow, start);
            if (flow.IsClosed && !_reported.Contains(flow.Id)) ended.Add((flow, start));
        }
        foreach (var (id, (flow, start)) in _live)
            if (!live.ContainsKey(id) && !_reported.Contains(id)) ended.Add((flow, start));
        _reported = [.. _reported.Where(live.ContainsKey).Concat(ended.Select(e => e.Flow.Id).Where(live.ContainsKey))];
        _live = live;

        var messages = new Dictionary<FlowScope, FlowMessage>();
        foreach (var (flow, start) in ended)
        {
            var outbound = byIp.TryGetValue(flow.Src, out var scope);
            if (!outbound && !byIp.TryGetValue(flow.ReplySrc, out scope)) continue;
            if (!messages.TryGetValue(scope!, out var message))
            {
                message = new FlowMessage
                {
                    Scope = new ScopeInfo { Uuid = scope!.AppUuid, Intf = scope.AdapterName, LocalIntf = scope.Vif, NetInstUUID = scope.InstanceUuid },
                };
                messages[scope] = message;
            }
            if (message.Flows.Count >= maxRecordsPerMessage) continue;
            message.Flows.Add(Record(flow, !outbound, scope!, start, now));
        }
        return [.. messages.Values];
    }

    private static FlowRecord Record(ConntrackFlow f, bool inbound, FlowScope scope, DateTimeOffset start, DateTimeOffset end) => new()
    {
        Flow = new IpFlow { Src = f.Src, Dest = f.Dst, SrcPort = f.SrcPort, DestPort = f.DstPort, Protocol = f.Protocol },
        Inbound = inbound,
        AclId = f.Mark,
        AclName = scope.AceNames.GetValueOrDefault(f.Mark, f.Mark == 0 ? "" : $"ACE {f.Mark}"),
        Action = ACLAction.ActionAccept,
        StartTime = Timestamp.FromDateTimeOffset(start),
        EndTime = Timestamp.FromDateTimeOffset(end),
        TxBytes = inbound ? f.ReplyBytes : f.OrigBytes,
        TxPkts = inbound ? f.ReplyPackets : f.OrigPackets,
        RxBytes = inbound ? f.OrigBytes : f.ReplyBytes,
        RxPkts = inbound ? f.OrigPackets : f.ReplyPackets,
    };
}
