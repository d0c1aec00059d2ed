using System.Globalization;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Eve.Appliance.Agent.Watchdog;

namespace Eve.Appliance.Agent.BaseOs;

/// <summary>The gates the appliance uses; each is small and says what it saw.</summary>
internal static class HealthGates
{
    /// <summary>Every part registered with the monitor heartbeats within its limit.</summary>
    public static IHealthGate Heartbeats(HealthMonitor monitor) => new DelegateGate("heartbeats", () =>
    {
        var stalled = monitor.Stalled();
        return Task.FromResult(stalled.Count == 0 ? null
            : "not heartbeating: " + string.Join(", ", stalled.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name} ({p.Silent.TotalSeconds:0} s)"))));
    });

    /// <summary>EVE's test: the upstream controller answered recently. Not a gate when no upstream
    /// controller is configured (the embedded controller is then the only one, see <see cref="Answers"/>).</summary>
    public static IHealthGate ControllerReachable(Func<DateTimeOffset?> lastContact, TimeProvider time, TimeSpan maxAge) =>
        new DelegateGate("controller", () =>
        {
            var last = lastContact();
            if (last is null) return Task.FromResult<string?>("the controller has not answered a config request since this image booted");
            var age = time.GetUtcNow() - last.Value;
            return Task.FromResult(age <= maxAge ? null
                : string.Create(CultureInfo.InvariantCulture, $"the controller last answered {age.TotalSeconds:0} s ago (more than {maxAge.TotalSeconds:0} s)"));
        });

    /// <summary>A management port is up with an address (any non-loopback interface that is up
    /// and has a unicast address, or the named one).</summary>
    public static IHealthGate ManagementPort(string? name = null) => new DelegateGate("management-port", () =>
    {
        var ports = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.NetworkInterfaceType != NetworkInterfaceType.Loopback && n.OperationalStatus != OperationalStatus.Down)
            .Where(n => name == null || n.Name == name)
            .Where(n => n.GetIPProperties().UnicastAddresses.Any(a =>
                a.Address.AddressFamily == AddressFamily.InterNetwork || (a.Address.AddressFamily == AddressFamily.InterNetworkV6 && !a.Address.IsIPv6LinkLocal)));
        return Task.FromResult(ports.Any() ? null : $"no management port {(name != null ? name + " " : "")}is up with an address");
    });

    /// <summary>An HTTP endpoint answers (any status below 500), e.g. the embedded controller.</summary>
    public static IHealthGate Answers(string name, Uri url, HttpClient http) => new DelegateGate(name, async () =>
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            using var r = await http.GetAsync(url, cts.Token).ConfigureAwait(false);
            return (int)r.StatusCode < 500 ? null : $"{name} at {url} answers {(int)r.StatusCode}";
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            return $"{name} at {url} does not answer: {e.Message}";
        }
    });

    /// <summary>The embedded controller this appliance runs answers its device API over TLS
    /// (GET /api/v2/edgedevice/certs, which needs no client certificate), trusted through the
    /// controller's own root (<paramref name="caFile"/>, its bootstrap root-certificate.pem): a new
    /// image that cannot serve its own controller must not be committed. The CA is read at each
    /// check, so a controller that first creates its PKI during the window is still trusted.</summary>
    public static IHealthGate EmbeddedController(Func<Uri?> deviceApi, string caFile) => new DelegateGate("embedded-controller", async () =>
    {
        if (deviceApi() is not { } api) return "the embedded controller is not listening yet";
        if (!File.Exists(caFile)) return $"the embedded controller's root certificate {caFile} does not exist yet";
        var roots = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        roots.ImportFromPemFile(caFile);
        using var http = Content.DatastoreHttpClient.Create(roots, TimeSpan.FromSeconds(5));
        var url = new Uri(api, "/api/v2/edgedevice/certs");
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            using var r = await http.GetAsync(url, cts.Token).ConfigureAwait(false);
            return r.IsSuccessStatusCode ? null : $"the embedded controller at {url} answers {(int)r.StatusCode}";
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            return $"the embedded controller at {url} does not answer: {e.Message}{(e.InnerException is { } i ? " (" + i.Message + ")" : "")}";
        }
    });

    /// <summary>Any condition the host knows (the store opened and migrated, …).</summary>
    public static IHealthGate Condition(string name, Func<string?> problem) => new DelegateGate(name, () => Task.FromResult(problem()));

    private sealed class DelegateGate(string name, Func<Task<string?>> check) : IHealthGate
    {
        public string Name => name;
        public Task<string?> CheckAsync(CancellationToken ct) => check();
    }
}
