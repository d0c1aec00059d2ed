namespace Eve.Appliance.Agent.Connectivity;

/// <summary>A port's proxy: servers per protocol (<c>http</c>, <c>https</c>, …) as <c>host:port</c>,
/// exceptions (EVE's comma/space separated list), and a PAC script's text when one is configured.</summary>
internal sealed record DpcProxy(
    IReadOnlyList<DpcProxyServer> Servers,
    string? Exceptions,
    string? Pac,
    string? NetworkProxyUrl)
{
    public bool Equals(DpcProxy? other) =>
        other is not null && Servers.SequenceEqual(other.Servers) && Exceptions == other.Exceptions
        && Pac == other.Pac && NetworkProxyUrl == other.NetworkProxyUrl;

    public override int GetHashCode() => HashCode.Combine(Servers.Count, Exceptions, Pac, NetworkProxyUrl);
}
