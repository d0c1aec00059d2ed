using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging;
using Org.Lfedge.Eve.Config;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Agent.Networks;

/// <summary>ZInfoNetworkInstance per instance, published when its content changes (a pass, a new lease, a
/// learnt address). App addresses are the ones apps really took; each app interface's ACL is spelled out
/// in words as a NOTICE entry (EVE's info has no ACL field, and an operator wants to read what is enforced).
/// A deleted instance is reported once more with no state, as EVE does, so the controller drops it.</summary>
internal sealed class NetworkInfoReports(IReportSink reports)
{
    private readonly Dictionary<string, byte[]> _sent = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, DateTimeOffset> _upSince = new(StringComparer.OrdinalIgnoreCase);

    public void Publish(NetworksStatus status, EdgeDevConfig config, IReadOnlyList<AppNicState> nics, DateTimeOffset now, ILogger log)
    {
        var live = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var ni in status.Instances)
        {
            live.Add(ni.Uuid);
            if (!ni.Ready) _upSince.Remove(ni.Uuid);
            else _upSince.TryAdd(ni.Uuid, now);
            var info = InfoOf(ni, config.NetworkInstances.FirstOrDefault(n => n.Uuidandversion?.Uuid == ni.Uuid), nics, _upSince.GetValueOrDefault(ni.Uuid));
            var bytes = info.ToByteArray();
            if (_sent.TryGetValue(ni.Uuid, out var last) && last.AsSpan().SequenceEqual(bytes)) continue;
            _sent[ni.Uuid] = bytes;
            foreach (var e in info.NetworkErr) e.Timestamp = Timestamp.FromDateTimeOffset(now);
            reports.PublishInfo(new ZInfoMsg { Ztype = ZInfoTypes.ZiNetworkInstance, Niinfo = info }, "ni/" + ni.Uuid);
        }
        foreach (var gone in _sent.Keys.Where(k => !live.Contains(k)).ToList())
        {
            reports.PublishInfo(new ZInfoMsg { Ztype = ZInfoTypes.ZiNetworkInstance, Niinfo = new ZInfoNetworkInstance { NetworkID = gone } }, "ni/" + gone);
            _sent.Remove(gone);
            _upSince.Remove(gone);
            log.LogInformation("network instance {Uuid} removed", gone);
        }
    }

    /// <param name="upSince">When the instance last became ready (upTimeStamp); default when it is not.</param>
    public static ZInfoNetworkInstance InfoOf(NetworkInstanceStatus ni, NetworkInstanceConfig? config, IReadOnlyList<AppNicState> nics, DateTimeOffset upSince = default)
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
            // The bridge is made with the config's MTU, or the kernel's 1500 when it names none.
            Mtu = config is { Mtu: > 0 } withMtu ? withMtu.Mtu : 1500u,
        };
        if (upSince != default) info.UpTimeStamp = Timestamp.FromDateTimeOffset(upSince);
        if (ni.Uplink != null) info.Ports.Add(ni.Uplink);
        foreach (var app in ni.Apps)
        {
            // The lease (local) or the learnt address (switch); a local instance's planned address until then.
            var seen = nics.FirstOrDefault(n => n.Vif == app.Vif)?.Ip;
            var assignment = new ZmetIPAssignmentEntry { MacAddress = app.Mac };
            if ((seen ?? app.Ip) is { } ip) assignment.IpAddress.Add(ip);
            info.IpAssignments.Add(assignment);
            info.Vifs.Add(new ZmetVifInfo { VifName = app.Vif, MacAddress = app.Mac, AppID = app.AppUuid });
        }
        foreach (var e in ni.Errors)
            info.NetworkErr.Add(new ErrorInfo { Description = e, Severity = Severity.Error });
        if (ni.Kind == ZNetworkInstType.ZnetInstLocal)
            foreach (var app in ni.Apps)
                info.NetworkErr.Add(new ErrorInfo
                {
                    Description = $"ACL of app {app.AppName} interface {app.Index} ({app.Vif}): {AclWords.Describe(app.Acls)}",
                    Severity = Severity.Notice,
                });
        return info;
    }
}
