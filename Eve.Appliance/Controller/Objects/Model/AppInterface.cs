namespace Eve.Appliance.Controller.Objects.Model;

/// <summary>A virtual NIC of an app on a network instance, with its firewall rules (EVE ACEs).</summary>
public sealed class AppInterface
{
    public string Name { get; set; } = "";
    public string NetworkId { get; set; } = "";
    public string? Mac { get; set; }
    public string? Ip { get; set; }
    public List<AclRule> Acls { get; set; } = [];
}
