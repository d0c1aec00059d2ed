using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Agent.Networks;

/// <summary>One app NIC as the networks part last saw it: where it is plugged in, whether its tap is on the
/// bridge, and the address the app really uses — from the instance's DHCP leases (local) or learnt from its
/// traffic (switch); null until the app has shown one.</summary>
internal sealed record AppNicState(
    Guid App,
    int Index,
    string AdapterName,
    string InstanceUuid,
    ZNetworkInstType Kind,
    string Vif,
    string Mac,
    bool Ready,
    string? Gateway,
    string? Ip);
