using Eve.Appliance.Agent.Reconcile;

namespace Eve.Appliance.Agent.Networks.Items;

/// <summary>A kernel parameter of the device namespace, e.g. <c>net.ipv4.ip_forward=1</c> while any local
/// instance has an uplink. Deleting it restores <see cref="Default"/>.</summary>
internal sealed record SysctlItem(string Key, string Value, string Default) : Item
{
    public override ItemRef Ref => new(NetworkItemTypes.Sysctl, Key);

    public override string Describe() => $"{Key}={Value}";
}
