namespace Eve.Appliance.Agent.Connectivity;

/// <summary>A port's proxy: servers per protocol (<c>http</c>, <c>https</c>, …) as <c>host:port</c>,
/// exceptions (EVE's comma/space separated list), a PAC script's text or URL when one is configured, and
/// <see cref="Wpad"/> (EVE's <c>networkProxyEnable</c> without a URL): find the PAC file by WPAD.</summary>
internal sealed record DpcProxy(
    IReadOnlyList<DpcProxyServer> Servers,
    string? Exceptions,
    string? Pac,
    string? NetworkProxyUrl,
    bool Wpad = false)
{
    public bool Equals(DpcProxy? other) =>
        other is not null && Servers.SequenceEqual(other.Servers) && Exceptions == other.Exceptions
        && Pac == other.Pac && NetworkProxyUrl == other.NetworkProxyUrl && Wpad == other.Wpad;

    public override int GetHashCode() => HashCode.Combine(Servers.Count, Exceptions, Pac, NetworkProxyUrl);
}
