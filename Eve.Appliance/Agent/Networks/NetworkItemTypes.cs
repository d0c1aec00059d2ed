namespace Eve.Appliance.Agent.Networks;

/// <summary>Item type names of the networks subsystem, as logs, info and the DOT dump show them.</summary>
internal static class NetworkItemTypes
{
    public const string Bridge = "linux.bridge";
    public const string AppVif = "linux.tap";
    public const string BridgePort = "linux.bridge-port";
    public const string Dnsmasq = "dnsmasq.instance";
    public const string NftTable = "nft.table";
    public const string Sysctl = "linux.sysctl";
}
