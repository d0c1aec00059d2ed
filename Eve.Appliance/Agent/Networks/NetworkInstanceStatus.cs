using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Agent.Networks;

/// <summary>One network instance after a pass: what was set up (bridge, subnet, gateway, uplink, app
/// addresses) and every error in words — configuration problems and failing or waiting items.</summary>
internal sealed record NetworkInstanceStatus(
    string Uuid,
    string DisplayName,
    ZNetworkInstType Kind,
    string Bridge,
    string? Subnet,
    string? Gateway,
    string? Uplink,
    IReadOnlyList<AppAddress> Apps,
    IReadOnlyList<string> Errors)
{
    public bool Ready => Errors.Count == 0;
}
