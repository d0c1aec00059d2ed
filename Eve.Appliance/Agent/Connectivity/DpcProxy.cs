namespace Eve.Appliance.Agent.Connectivity;

/// <summary>A port's proxy: servers per protocol (<c>http</c>, <c>https</c>, …) as <c>host:port</c> (a server
/// may carry <c>user:password@</c>), exceptions (EVE's comma/space separated list), a PAC script's text or URL
/// when one is configured, <see cref="Wpad"/> (EVE's <c>networkProxyEnable</c> without a URL): find the PAC
/// file by WPAD, and <see cref="CertPems"/> (EVE's <c>proxyCertPEM</c>): the CA certificates of a proxy that
/// intercepts TLS, trusted for the controller's TLS handshake through this port only.</summary>
internal sealed record DpcProxy(
    IReadOnlyList<DpcProxyServer> Servers,
    string? Exceptions,
    string? Pac,
    string? NetworkProxyUrl,
    bool Wpad = false,
    IReadOnlyList<string>? CertPems = null)
{
    public bool Equals(DpcProxy? other) =>
        other is not null && Servers.SequenceEqual(other.Servers) && Exceptions == other.Exceptions
        && Pac == other.Pac && NetworkProxyUrl == other.NetworkProxyUrl && Wpad == other.Wpad
        && DpcPort.Same(CertPems, other.CertPems);

    public override int GetHashCode() => HashCode.Combine(Servers.Count, Exceptions, Pac, NetworkProxyUrl);
}
