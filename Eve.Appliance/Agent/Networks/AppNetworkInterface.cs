using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Agent.Networks;

/// <summary>One NIC of one app, as the apps subsystem hands it over: the adapter from
/// <c>AppInstanceConfig.interfaces</c> (its <c>networkId</c> names the network instance) and how the NIC is
/// realised. For <see cref="AppVifKind.Veth"/>, <see cref="PeerNetns"/> is the app's namespace and the app
/// side is named <see cref="PeerIfName"/>.</summary>
internal sealed record AppNetworkInterface(
    string AppUuid,
    string AppName,
    int Index,
    NetworkAdapter Adapter,
    AppVifKind Kind = AppVifKind.Tap,
    string? PeerNetns = null,
    string PeerIfName = "eth0");
