using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Agent.Networks;

/// <summary>What the intended-state builder decided for one network instance; the façade reports it.</summary>
internal sealed record InstancePlan(
    string Uuid,
    string DisplayName,
    ZNetworkInstType Kind,
    string Bridge,
    string? Subnet,
    string? Gateway,
    string? Uplink,
    IReadOnlyList<AppAddress> Apps,
    IReadOnlyList<string> Problems);
