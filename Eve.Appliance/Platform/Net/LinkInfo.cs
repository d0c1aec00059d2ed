namespace Eve.Appliance.Platform.Net;

/// <summary>A network interface as <c>ip -j -d addr show</c> reports it. <see cref="Kind"/> is the
/// kernel link kind (<c>bridge</c>, <c>veth</c>, <c>tun</c> for taps) or empty for physical ports;
/// <see cref="Addresses"/> are IPv4/IPv6 CIDRs such as <c>10.99.1.1/24</c>.</summary>
internal sealed record LinkInfo(
    string Name,
    int Index,
    string Kind,
    string? Master,
    bool IsUp,
    string Mac,
    int Mtu,
    IReadOnlyList<string> Addresses);
