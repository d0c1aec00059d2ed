namespace Eve.Appliance.Controller.LocalProfile;

/// <summary>A port's network settings as the local operator declares them (EVE's LPS
/// <c>LocalNetworkConfig</c>): applied by devices only to ports whose controller config allows local
/// modifications, tested like any port config, and undone when the operator clears the list.</summary>
public sealed class LpsNetworkPort
{
    /// <summary>The port's logical label in the controller's config (e.g. <c>eth0</c>).</summary>
    public string LogicalLabel { get; set; } = "";
    public bool Dhcp { get; set; } = true;
    /// <summary>Static address with prefix, e.g. <c>10.1.2.5/24</c> (when not DHCP).</summary>
    public string? Address { get; set; }
    public string? Gateway { get; set; }
    public List<string> Dns { get; set; } = [];
    public string? DnsDomain { get; set; }
    /// <summary>An HTTP(S) proxy as a URL, credentials allowed: <c>http://user:password@10.1.2.1:3128</c>.</summary>
    public string? Proxy { get; set; }
    public string? ProxyExceptions { get; set; }
}
