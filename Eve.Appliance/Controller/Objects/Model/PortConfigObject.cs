namespace Eve.Appliance.Controller.Objects.Model;

/// <summary>A device port config: which physical ports exist, what they are used for, and how
/// they get addresses (EVE's deviceIoList + systemAdapterList + networks).</summary>
public sealed class PortConfigObject : OpsObject
{
    public List<PortSpec> Ports { get; set; } = [];
}
