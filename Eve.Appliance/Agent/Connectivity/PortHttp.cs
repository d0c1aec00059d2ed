using System.Net;
using System.Net.Http;
using System.Security.Authentication;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Eve.Appliance.Agent.Connectivity;

/// <summary>An <see cref="HttpClient"/> whose connections leave through one port of the device
/// namespace (optionally through a proxy): for connectivity tests, PAC/WPAD fetches and <c>diag</c>.
/// With <c>tlsRoots</c> the server certificate must chain to them (the controller's roots); without,
/// TLS is not checked (a port test asks "does something answer", not "is it the controller").</summary>
internal static class PortHttp
{
    public static HttpClient Create(string netns, DpcPort port, IReadOnlyList<string> dnsServers, TimeSpan timeout,
        PortProxy? proxy, X509Certificate2Collection? tlsRoots)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromSeconds(30),
            // Longer than the per-port connect timeout, so the port's own, clearer reason wins.
            ConnectTimeout = timeout * 2,
            UseProxy = proxy is { IsDirect: false },
            Proxy = proxy is { IsDirect: false } ? new FixedProxy(proxy) : null,
            ConnectCallback = async (ctx, ct) =>
            {
                var socket = await PortConnector.ConnectAsync(netns, port.IfName, dnsServers, ctx.DnsEndPoint.Host, ctx.DnsEndPoint.Port, timeout, ct).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            },
            SslOptions = new SslClientAuthenticationOptions
            {
                // The proxy's CA (the DPC's proxyCertPEM) joins the controller's roots on this port only.
            RemoteCertificateValidationCallback = (_, cert, _, errors) => tlsRoots == null || ChainsTo(cert, errors, WithProxyCas(tlsRoots, proxy)),
            },
        };
        return new HttpClient(handler) { Timeout = timeout * 3 };
    }

    private static X509Certificate2Collection WithProxyCas(X509Certificate2Collection roots, PortProxy? proxy)
    {
        if (proxy is not { CaCertificates.Count: > 0 }) return roots;
        var all = new X509Certificate2Collection(roots);
        all.AddRange(proxy.CaCertificates);
        return all;
    }

    /// <summary>The controller's TLS certificate chains to <paramref name="roots"/> and names the host.</summary>
    public static bool ChainsTo(X509Certificate? cert, SslPolicyErrors errors, X509Certificate2Collection roots)
    {
        if (cert == null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(X509CertificateLoader.LoadCertificate(cert.GetRawCertData()));
    }

    /// <summary>Turns an HTTP failure into words a technician can act on.</summary>
    public static string Describe(Exception e)
    {
        var parts = new List<string>();
        for (var x = e; x != null; x = x.InnerException)
            if (!parts.Contains(x.Message)) parts.Add(x.Message);
        var text = string.Join(": ", parts);
        if (e is TaskCanceledException) return "no answer in time";
        for (var x = e.InnerException; x != null; x = x.InnerException)
            if (x is OperationCanceledException) return "no answer within timer.port.timeout (SYN or reply lost: a wrong gateway, a firewall, or a dead link)";
        if (e.InnerException is AuthenticationException || text.Contains("SSL", StringComparison.Ordinal))
            return $"TLS failed ({text}) — a proxy that intercepts TLS needs its CA in the DPC's proxy certificates";
        if ((e is HttpRequestException { StatusCode: { } code } && (int)code == 407) || text.Contains("'407'", StringComparison.Ordinal)) return ProxyAuthWords;
        return text;
    }

    /// <summary>What a 407 means to a technician.</summary>
    public const string ProxyAuthWords =
        "the proxy refused us: 407 Proxy Authentication Required — its user and password are missing or wrong (user:password@ in the DPC's proxy server)";

    private sealed class FixedProxy(PortProxy proxy) : IWebProxy
    {
        public ICredentials? Credentials { get; set; } = proxy.Credentials;

        public Uri? GetProxy(Uri destination) => proxy.ProxyFor(destination);

        public bool IsBypassed(Uri host) => proxy.ProxyFor(host) == null;
    }
}
