namespace Eve.Appliance.Controller.Objects.Model;

/// <summary>One device port.</summary>
public sealed class PortSpec
{
    /// <summary>Logical label (what network instances name), e.g. eth0.</summary>
    public string Label { get; set; } = "";
    /// <summary>The kernel interface name.</summary>
    public string IfName { get; set; } = "";
    /// <summary>mgmt, apps or mgmt-and-apps.</summary>
    public string Usage { get; set; } = "mgmt-and-apps";
    /// <summary>dhcp or static.</summary>
    public string Addressing { get; set; } = "dhcp";
    /// <summary>For static: address in CIDR form (e.g. 192.168.1.10/24), gateway, DNS servers.</summary>
    public string? Address { get; set; }
    public string? Gateway { get; set; }
    public List<string> Dns { get; set; } = [];
    public int Cost { get; set; }
    /// <summary>The local operator (local profile server) may replace this port's IP, DNS and proxy settings.</summary>
    public bool AllowLocalModifications { get; set; }
}
