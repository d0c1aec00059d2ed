namespace Eve.Appliance.Controller.Objects.Model;

/// <summary>A network instance apps attach to: local (NAT behind the port, with DHCP from
/// <see cref="Subnet"/>) or switch (bridged onto the port).</summary>
public sealed class NetworkObject : OpsObject
{
    /// <summary>local or switch.</summary>
    public string Kind { get; set; } = "local";
    /// <summary>The device port (logical label, e.g. eth0) or shared label (uplink) it uses; empty = none (air-gapped).</summary>
    public string Port { get; set; } = "uplink";
    /// <summary>CIDR, required for local instances.</summary>
    public string? Subnet { get; set; }
    public string? Gateway { get; set; }
    public string? DhcpStart { get; set; }
    public string? DhcpEnd { get; set; }
    public List<string> Dns { get; set; } = [];
    public int Mtu { get; set; }
}
