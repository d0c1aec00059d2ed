using Eve.Appliance.Agent.Reconcile;

namespace Eve.Appliance.Agent.Networks.Items;

/// <summary>The Linux bridge of one network instance. <see cref="Address"/> is the gateway CIDR on local
/// instances (e.g. <c>10.99.1.1/24</c>) and null on switch instances.</summary>
internal sealed record BridgeItem(string IfName, string NetworkUuid, string? Address, int Mtu) : Item
{
    public override ItemRef Ref => RefOf(IfName);

    public static ItemRef RefOf(string ifName) => new(NetworkItemTypes.Bridge, ifName);

    public override string Describe() => $"bridge {IfName} for network {NetworkUuid}" + (Address != null ? $" at {Address}" : "");
}
