using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Eve.Appliance.Sim;

/// <summary>
/// The fleet's one HTTPS client: a bounded keep-alive pool (HTTP/1.1, or HTTP/2 multiplexed) that
/// every simulated device shares, as a NAT'd site would look to the controller. Each request is
/// timed and its outcome recorded in the current <see cref="LatencyBook"/>.
/// </summary>
internal sealed class SimTransport : IDisposable
{
    public const string MediaType = "application/x-proto-binary";
    private readonly HttpClient _http;
    private readonly bool _http2;

    public SimTransport(Uri server, X509Certificate2Collection tlsRoots, int connections, bool http2, TimeSpan timeout)
    {
        _http2 = http2;
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            EnableMultipleHttp2Connections = http2,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            UseCookies = false,
            SslOptions = new SslClientAuthenticationOptions
            {
                // The chain must lead to the bootstrap's TLS roots. The name is not checked: the sim
                // is often pointed at an IP the controller's cert does not list.
                RemoteCertificateValidationCallback = (_, cert, _, _) => cert != null && Chains(cert, tlsRoots),
            },
        };
        _http = new HttpClient(handler) { BaseAddress = server, Timeout = timeout };
    }

    public LatencyBook Book { get; set; } = new();

    /// <summary>Sends one request; returns status and body, or null when the transport failed
    /// (recorded under its kind). <paramref name="expected"/> lists the statuses that are not errors.</summary>
    public async Task<(int Status, byte[] Body)?> SendAsync(string endpoint, HttpMethod method, string path, byte[]? body,
        int[] expected, CancellationToken ct)
    {
        var stats = Book.For(endpoint);
        var start = Stopwatch.GetTimestamp();
        try
        {
            using var req = new HttpRequestMessage(method, path);
            if (_http2)
            {
                req.Version = HttpVersion.Version20;
                req.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
            }
            if (body != null)
            {
                req.Content = new ByteArrayContent(body);
                req.Content.Headers.ContentType = new MediaTypeHeaderValue(MediaType);
            }
            using var resp = await _http.SendAsync(req, ct).ConfigureAwait(false);
            var bytes = await resp.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            var status = (int)resp.StatusCode;
            stats.Answered(status, Stopwatch.GetElapsedTime(start).TotalMilliseconds, expected.Contains(status));
            return (status, bytes);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            stats.Failed(Kind(e), Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            return null;
        }
    }

    private static string Kind(Exception e) => e switch
    {
        TaskCanceledException => "transport timeout",
        HttpRequestException { InnerException: SocketException s } => $"transport {s.SocketErrorCode}",
        HttpRequestException { InnerException: AuthenticationException } => "transport tls",
        HttpRequestException h => $"transport {h.HttpRequestError}",
        _ => $"transport {e.GetType().Name}",
    };

    private static bool Chains(X509Certificate cert, X509Certificate2Collection roots)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = X509CertificateLoader.LoadCertificate(cert.GetRawCertData());
        return chain.Build(leaf);
    }

    public void Dispose() => _http.Dispose();
}
