using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Agent.ControllerConn;
using Eve.Appliance.Platform.Processes;
using Org.Lfedge.Eve.Certs;

namespace Eve.Appliance.Agent.Connectivity;

/// <summary>Tests a DPC from inside its network namespace, every management port at once: the port is
/// up and has an address and a default route, its DNS servers answer (or resolve the controller's name),
/// its proxy loads (PAC/WPAD included), and the controller answers <c>/api/v2/edgedevice/ping</c>
/// through that port and proxy — then <c>/certs</c> must verify against the device's roots. Without a
/// controller to test against (the embedded one on loopback) address, route and DNS are the test.
/// Keeps trying until a port works or <c>ct</c> is cancelled (at <c>timer.port.testduration</c>).</summary>
internal sealed class NetnsConnectivityTester(IProcessRunner runner, string netns, string runDir, Uri? controller,
    X509Certificate2Collection? roots, X509Certificate2Collection? tlsRoots, TimeProvider time) : IConnectivityTester
{
    private volatile IReadOnlyDictionary<string, PortState> _ports = new Dictionary<string, PortState>();
    private volatile IReadOnlyDictionary<string, PortProxy> _proxies = new Dictionary<string, PortProxy>();

    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary><c>timer.port.timeout</c> for each connection and DNS question of a test.</summary>
    public TimeSpan PortTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>What the last round saw on each port.</summary>
    public IReadOnlyDictionary<string, PortState> Ports => _ports;

    /// <summary>Each port's proxy as the last round loaded it (PAC fetched and compiled).</summary>
    public IReadOnlyDictionary<string, PortProxy> Proxies => _proxies;

    public async Task<ConnectivityResult> TestAsync(DevicePortConfig dpc, CancellationToken ct)
    {
        var ports = dpc.Ports.Where(p => p.IsMgmt).OrderBy(p => p.Cost).ToList();
        if (ports.Count == 0) return new ConnectivityResult(false, $"DPC {dpc} has no management port");
        var reasons = "not tested";
        while (true)
        {
            try
            {
                var probes = new PortConnectivityCheck(runner, netns, runDir, controller, roots, tlsRoots, PortTimeout, time);
                var results = await Task.WhenAll(ports.Select(p => probes.TestAsync(p, ct))).ConfigureAwait(false);
                _ports = results.ToDictionary(r => r.State.IfName, r => r.State, StringComparer.Ordinal);
                _proxies = results.Where(r => r.Proxy != null).ToDictionary(r => r.State.IfName, r => r.Proxy!, StringComparer.Ordinal);
                if (results.Any(r => r.State.Ok))
                    return new ConnectivityResult(true, string.Join("; ", results.Select(r => $"{r.State.IfName}: {r.State.Verdict}")));
                reasons = string.Join("; ", results.Select(r => $"{r.State.IfName}: {r.State.Verdict}"));
                await Task.Delay(RetryDelay, time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return new ConnectivityResult(false, reasons);
            }
        }
    }

    /// <summary>/certs through the port: a signed list whose signing cert chains to the device's roots.</summary>
    internal static async Task<string?> CheckCertsAsync(HttpClient http, Uri controller, X509Certificate2Collection roots, CancellationToken ct)
    {
        using var resp = await http.GetAsync(new Uri(controller, "/api/v2/edgedevice/certs"), ct).ConfigureAwait(false);
        if ((int)resp.StatusCode != 200) return $"/certs answered {(int)resp.StatusCode}";
        var body = await resp.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        try
        {
            var container = ControllerClient.ParseContainer(body, "certs");
            ControllerCerts.Verify(ZControllerCert.Parser.ParseFrom(container.ProtectedPayload.Payload.Span), roots);
            return null;
        }
        catch (Exception e) when (e is ControllerTrustException or Google.Protobuf.InvalidProtocolBufferException)
        {
            return $"/certs does not verify against root-certificate.pem: {e.Message}";
        }
    }
}
