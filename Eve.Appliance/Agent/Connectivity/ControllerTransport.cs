using System.Collections.Concurrent;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;

namespace Eve.Appliance.Agent.Connectivity;

/// <summary>The seam between the device's ports and the agent's controller HTTP client: every
/// connection the client opens goes out through a management port of the DPC in use, inside the
/// device namespace, through that port's proxy. Ports are tried as EVE's controllerconn tries them —
/// cheapest cost first, ports of equal cost taken in turn so load spreads, a port that just failed
/// moved behind the others — and a connection that fails on one port is retried at once on the next.</summary>
internal sealed class ControllerTransport(string netns, string runDir, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _failedAt = new(StringComparer.Ordinal);
    private volatile DevicePortConfig? _dpc;
    private volatile IReadOnlyDictionary<string, PortProxy> _proxies = new Dictionary<string, PortProxy>();
    private long _rotation;

    public string Netns => netns;

    /// <summary><c>timer.port.timeout</c>: how long one port may take to connect before the next is tried.</summary>
    public TimeSpan PortTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a port that failed stays behind the others (then it is tried first again).</summary>
    public TimeSpan FailedPenalty { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The port of the last connection that worked, for diagnostics.</summary>
    public string? LastPort { get; private set; }

    public DevicePortConfig? Dpc => _dpc;

    /// <summary>The DPC whose ports carry controller traffic from now on, with each port's proxy.</summary>
    public void Use(DevicePortConfig? dpc, IReadOnlyDictionary<string, PortProxy> proxies)
    {
        _proxies = proxies;
        _dpc = dpc;
    }

    /// <summary>Says a port was seen failing (by a test or a connection), so others are tried first.</summary>
    public void MarkFailed(string ifName) => _failedAt[ifName] = time.GetUtcNow();

    public void MarkWorking(string ifName) => _failedAt.TryRemove(ifName, out _);

    /// <summary>Installs the binding into the controller client's handler.</summary>
    public void Configure(SocketsHttpHandler handler)
    {
        handler.ConnectCallback = ConnectAsync;
        handler.UseProxy = true;
        handler.Proxy = new TransportProxy(this);
        // Short-lived pooled connections: after a failover the client comes back to the cheaper port.
        handler.PooledConnectionLifetime = TimeSpan.FromMinutes(1);
        // A TLS-intercepting proxy re-signs the controller's certificate with its own CA: that CA is
        // trusted only when the DPC in use names it (proxyCertPEM); the controller's own roots as before.
        var own = handler.SslOptions.RemoteCertificateValidationCallback;
        handler.SslOptions.RemoteCertificateValidationCallback = (sender, cert, chain, errors) =>
            (ProxyCas() is { Count: > 0 } cas && PortHttp.ChainsTo(cert, errors, cas))
            || (own != null ? own(sender, cert, chain, errors) : errors == System.Net.Security.SslPolicyErrors.None);
    }

    /// <summary>For local servers (the LPS): connections through the DPC's ports, never through a proxy.</summary>
    public void ConfigureDirect(SocketsHttpHandler handler)
    {
        handler.ConnectCallback = ConnectAsync;
        handler.UseProxy = false;
        // One request a minute, and the local config it fetches may change the very address a pooled
        // connection was bound to (seen: the next POST hung on the dead socket). A new connection each time.
        handler.PooledConnectionLifetime = TimeSpan.Zero;
    }

    /// <summary>The proxy CA certificates of the management ports of the DPC in use.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2Collection ProxyCas()
    {
        var all = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        foreach (var port in _dpc?.Ports.Where(p => p.IsMgmt) ?? [])
            all.AddRange(ProxyOf(port.IfName).CaCertificates);
        return all;
    }

    /// <summary>The management ports in the order the next connection tries them.</summary>
    public IReadOnlyList<DpcPort> OrderedPorts(bool advance = true)
    {
        var dpc = _dpc;
        if (dpc == null) return [];
        var now = time.GetUtcNow();
        var turn = advance ? Interlocked.Increment(ref _rotation) : Interlocked.Read(ref _rotation) + 1;
        var result = new List<DpcPort>();
        foreach (var group in dpc.Ports.Where(p => p.IsMgmt).GroupBy(p => p.Cost).OrderBy(g => g.Key))
        {
            var ports = group.ToList();
            var shift = (int)(turn % ports.Count);
            result.AddRange(ports.Skip(shift).Concat(ports.Take(shift)));
        }
        // Stable sort: recently failed ports go last, the cost order stays otherwise.
        return [.. result.OrderBy(p => _failedAt.TryGetValue(p.IfName, out var at) && now - at < FailedPenalty)];
    }

    public PortProxy ProxyOf(string ifName) => _proxies.TryGetValue(ifName, out var p) ? p : PortProxy.Direct;

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext ctx, CancellationToken ct)
    {
        var ports = OrderedPorts();
        if (ports.Count == 0)
            throw new HttpRequestException($"no management port to reach {ctx.DnsEndPoint.Host}: the DPC in use has none (or none is chosen yet)");
        var errors = new List<string>();
        foreach (var port in ports)
        {
            try
            {
                var socket = await PortConnector.ConnectAsync(netns, port.IfName, PortLease.DnsServers(runDir, port),
                    ctx.DnsEndPoint.Host, ctx.DnsEndPoint.Port, PortTimeout, ct).ConfigureAwait(false);
                MarkWorking(port.IfName);
                LastPort = port.IfName;
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
                MarkFailed(port.IfName);
                errors.Add(e.Message);
            }
        }
        throw new HttpRequestException($"{ctx.DnsEndPoint.Host}:{ctx.DnsEndPoint.Port} unreachable through every management port: {string.Join("; ", errors)}");
    }

    /// <summary>The proxy of the port the next connection will most likely use.</summary>
    private sealed class TransportProxy(ControllerTransport transport) : IWebProxy
    {
        public ICredentials? Credentials { get; set; } = new PortCredentials(transport);

        public Uri? GetProxy(Uri destination) =>
            transport.OrderedPorts(advance: false) is [var first, ..] ? transport.ProxyOf(first.IfName).ProxyFor(destination) : null;

        public bool IsBypassed(Uri host) => GetProxy(host) == null;
    }

    /// <summary>Answers a proxy's 407 with the credentials of whichever port's proxy is at that address.</summary>
    private sealed class PortCredentials(ControllerTransport transport) : ICredentials
    {
        public NetworkCredential? GetCredential(Uri uri, string authType) =>
            transport.OrderedPorts(advance: false).Select(p => transport.ProxyOf(p.IfName).CredentialFor(uri)).FirstOrDefault(c => c != null);
    }
}
