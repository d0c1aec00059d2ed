namespace Eve.Appliance.Agent.Connectivity;

/// <summary>How one port of a DPC is configured. <see cref="Dhcp"/> true means "run a DHCP client";
/// otherwise <see cref="AddrSubnet"/> (CIDR, e.g. <c>10.1.2.5/24</c>) and <see cref="Gateway"/> are set
/// statically. <see cref="AllowLocalModifications"/>: the controller lets the local operator replace the
/// port's IP, DNS and proxy settings (EVE's <c>SystemAdapter.allow_local_modifications</c>). Only management ports (<see cref="IsMgmt"/>) carry controller traffic; lower
/// <see cref="Cost"/> is preferred.</summary>
internal sealed record DpcPort(
    string IfName,
    string LogicalLabel,
    bool IsMgmt,
    uint Cost,
    bool Dhcp,
    string? AddrSubnet = null,
    string? Gateway = null,
    IReadOnlyList<string>? DnsServers = null,
    IReadOnlyList<string>? NtpServers = null,
    string? DomainName = null,
    DpcProxy? Proxy = null,
    bool AllowLocalModifications = false)
{
    public bool Equals(DpcPort? other) =>
        other is not null && IfName == other.IfName && LogicalLabel == other.LogicalLabel && IsMgmt == other.IsMgmt
        && Cost == other.Cost && Dhcp == other.Dhcp && AddrSubnet == other.AddrSubnet && Gateway == other.Gateway
        && DomainName == other.DomainName && Same(DnsServers, other.DnsServers) && Same(NtpServers, other.NtpServers)
        && Equals(Proxy, other.Proxy) && AllowLocalModifications == other.AllowLocalModifications;

    public override int GetHashCode() => HashCode.Combine(IfName, LogicalLabel, Dhcp, AddrSubnet, Gateway);

    internal static bool Same(IReadOnlyList<string>? a, IReadOnlyList<string>? b) =>
        (a ?? []).SequenceEqual(b ?? []);
}
