using System.Globalization;

namespace Eve.Appliance.Agent.Connectivity;

/// <summary>The proxy a port's traffic takes, resolved: the DPC's static servers and exceptions, or a
/// PAC script (configured, fetched from a URL, or found by WPAD). <see cref="ProxyFor"/> answers per
/// destination; null means direct.</summary>
internal sealed class PortProxy
{
    private readonly DpcProxy? _config;
    private readonly PacScript? _pac;

    public PortProxy(DpcProxy? config, PacScript? pac, string description)
    {
        _config = config;
        _pac = pac;
        Description = description;
    }

    public static PortProxy Direct { get; } = new(null, null, "direct (no proxy)");

    /// <summary>In words for diagnostics: "direct", "http 10.1.2.1:3128 (except …)", "PAC from …".</summary>
    public string Description { get; }

    public bool IsDirect => _config == null && _pac == null;

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
        return server == null ? null : new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{server.Server}:{server.Port}"));
    }
}
