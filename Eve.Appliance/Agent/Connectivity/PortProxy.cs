using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Eve.Appliance.Agent.Connectivity;

/// <summary>The proxy a port's traffic takes, resolved: the DPC's static servers and exceptions, or a
/// PAC script (configured, fetched from a URL, or found by WPAD). <see cref="ProxyFor"/> answers per
/// destination; null means direct. <see cref="Credentials"/> answers a proxy's 407 with the user and
/// password of its server entry (sent as <c>Proxy-Authorization</c>); <see cref="CaCertificates"/> are the
/// DPC's <c>proxyCertPEM</c>.</summary>
internal sealed class PortProxy
{
    private readonly DpcProxy? _config;
    private readonly PacScript? _pac;

    public PortProxy(DpcProxy? config, PacScript? pac, string description)
    {
        _config = config;
        _pac = pac;
        Description = description;
        CaCertificates = LoadCertificates(config?.CertPems);
    }

    public static PortProxy Direct { get; } = new(null, null, "direct (no proxy)");

    /// <summary>In words for diagnostics: "direct", "http 10.1.2.1:3128 (except …)", "PAC from …".</summary>
    public string Description { get; }

    public bool IsDirect => _config == null && _pac == null;

    /// <summary>The TLS-intercepting proxy's CA certificates from the DPC (empty when none).</summary>
    public X509Certificate2Collection CaCertificates { get; }

    /// <summary>User and password for the proxy at <paramref name="proxy"/>, from the server entry of the
    /// same host and port (a PAC answer names only host and port, so the entry's credentials apply too).</summary>
    public ICredentials Credentials => new ProxyCredentials(this);

    public Uri? ProxyFor(Uri destination)
    {
        if (_pac != null)
        {
            var entries = PacScript.ParseAnswer(_pac.FindProxyForUrl(destination));
            return entries.Count > 0 && entries[0] is { } hostPort ? new Uri($"http://{hostPort}") : null;
        }
        if (_config == null || ProxyExceptions.Matches(_config.Exceptions, destination)) return null;
        var wanted = destination.Scheme == Uri.UriSchemeHttps ? "https" : "http";
        // An https destination without an "https" proxy entry goes through the http one (CONNECT), as in EVE.
        var server = _config.Servers.FirstOrDefault(s => s.Protocol == wanted) ?? _config.Servers.FirstOrDefault(s => s.Protocol == "http");
        return server == null ? null : new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{server.Host}:{server.Port}"));
    }

    public NetworkCredential? CredentialFor(Uri proxy) =>
        _config?.Servers.FirstOrDefault(s => s.Credentials != null
            && string.Equals(s.Host, proxy.Host, StringComparison.OrdinalIgnoreCase) && s.Port == proxy.Port)?.Credentials;

    /// <summary>True when some server entry carries a user and password.</summary>
    public bool HasCredentials => _config?.Servers.Any(s => s.Credentials != null) == true;

    private static X509Certificate2Collection LoadCertificates(IReadOnlyList<string>? pems)
    {
        var result = new X509Certificate2Collection();
        foreach (var pem in pems ?? [])
        {
            try
            {
                result.ImportFromPem(pem);
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                // A broken certificate adds no trust; the TLS failure then names the missing CA.
            }
        }
        return result;
    }

    private sealed class ProxyCredentials(PortProxy proxy) : ICredentials
    {
        public NetworkCredential? GetCredential(Uri uri, string authType) => proxy.CredentialFor(uri);
    }
}
