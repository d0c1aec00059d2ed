using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Agent.Bootstrap;
using Eve.Appliance.Api.Envelope;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Org.Lfedge.Eve.Auth;
using Org.Lfedge.Eve.Certs;

namespace Eve.Appliance.Agent.ControllerConn;

/// <summary>
/// Talks EVE API v2 to a controller (EVE's controllerconn): builds URLs, wraps POST bodies in signed
/// AuthContainers, verifies signed answers, and classifies failures (transient vs refused).
/// </summary>
internal sealed class ControllerClient : IDisposable
{
    public const string MediaType = "application/x-proto-binary";
    private readonly HttpClient _http;
    private readonly BootstrapFolder _bootstrap;
    private readonly ILogger _log;

    public ControllerClient(BootstrapFolder bootstrap, TimeSpan timeout, ILogger log, Action<SocketsHttpHandler>? bind = null)
    {
        _bootstrap = bootstrap;
        _log = log;
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = ValidateServer },
        };
        bind?.Invoke(handler);
        _http = new HttpClient(handler) { BaseAddress = bootstrap.Server, Timeout = timeout };
    }

    public Uri Server => _bootstrap.Server;

    /// <summary>Requests sent and failed, for metrics (EVE's controller-comm counters).</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Messages and body bytes per URL, EVE's zedcloud metrics.</summary>
    public Telemetry.ControllerCommCounters Comm { get; } = new(TimeProvider.System);
    public long Failures => Interlocked.Read(ref _failures);
    private long _requests;
    private long _failures;

    public static string Path(string action, string? deviceId) =>
        deviceId == null ? $"/api/v2/edgedevice/{action}" : $"/api/v2/edgedevice/id/{deviceId}/{action}";

    public async Task<ZControllerCert> GetCertsAsync(CancellationToken ct)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, Path("certs", null), null, ct).ConfigureAwait(false);
        Expect(status, body, "certs", 200);
        // /certs is not verified by its envelope signature (EVE skips it): the chain check is the trust.
        var container = ParseContainer(body, "certs");
        try
        {
            return ZControllerCert.Parser.ParseFrom(container.ProtectedPayload.Payload.Span);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ControllerTrustException($"/certs payload is not a ZControllerCert: {e.Message}");
        }
    }

    /// <summary>POSTs a signed envelope; returns the status and raw body. Throws on transport
    /// failure or 5xx (<see cref="ControllerUnavailableException"/>).</summary>
    public Task<(int Status, byte[] Body)> PostSignedAsync(string path, ReadOnlySpan<byte> payload, IEnvelopeSigner signer, CancellationToken ct, ByteString? senderCert = null)
    {
        var envelope = AuthContainers.Seal(payload, signer, senderCert).ToByteArray();
        return SendAsync(HttpMethod.Post, path, envelope, ct);
    }

    public async Task<(int Status, byte[] Body)> SendAsync(HttpMethod method, string path, byte[]? body, CancellationToken ct)
    {
        var url = CommUrl(path);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        long? received = null;
        var ok = false;
        try
        {
            var (status, bytes) = await SendCountedAsync(method, path, body, ct).ConfigureAwait(false);
            received = bytes.Length;
            ok = status is >= 200 and < 300 or 304;
            return (status, bytes);
        }
        catch (ControllerUnavailableException e) when (e.Data[ReceivedKey] is long r)
        {
            received = r;
            throw;
        }
        finally
        {
            Comm.Record(url, body?.Length ?? 0, received, System.Diagnostics.Stopwatch.GetElapsedTime(started), ok);
        }
    }

    private const string ReceivedKey = "received-bytes";

    /// <summary>host:port/path, the key EVE's zedcloud metrics use per URL.</summary>
    private string CommUrl(string path) => _http.BaseAddress!.Authority + (path.StartsWith('/') ? path : "/" + path);

    private async Task<(int Status, byte[] Body)> SendCountedAsync(HttpMethod method, string path, byte[]? body, CancellationToken ct)
    {
        Interlocked.Increment(ref _requests);
        using var req = new HttpRequestMessage(method, path);
        req.Headers.Add("X-Request-Id", Guid.NewGuid().ToString());
        if (body != null)
        {
            req.Content = new ByteArrayContent(body);
            req.Content.Headers.ContentType = new MediaTypeHeaderValue(MediaType);
        }
        try
        {
            using var resp = await _http.SendAsync(req, ct).ConfigureAwait(false);
            var bytes = await resp.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            var status = (int)resp.StatusCode;
            if (status >= 500)
            {
                Interlocked.Increment(ref _failures);
                throw new ControllerUnavailableException($"{method} {path}: controller answered {status} {Text(bytes)}") { Data = { [ReceivedKey] = (long)bytes.Length } };
            }
            if (status is >= 200 and < 300 && bytes.Length > 0 && resp.Content.Headers.ContentType?.MediaType is { } mt && mt != MediaType)
            {
                Interlocked.Increment(ref _failures);
                throw new ControllerUnavailableException($"{method} {path}: answer has Content-Type {mt}, expected {MediaType}") { Data = { [ReceivedKey] = (long)bytes.Length } };
            }
            return (status, bytes);
        }
        catch (HttpRequestException e)
        {
            Interlocked.Increment(ref _failures);
            throw new ControllerUnavailableException($"{method} {_http.BaseAddress}{path.TrimStart('/')}: {Describe(e)}", e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            Interlocked.Increment(ref _failures);
            throw new ControllerUnavailableException($"{method} {path}: no answer within {_http.Timeout.TotalSeconds:0} s", e);
        }
    }

    public static AuthContainer ParseContainer(byte[] body, string what)
    {
        try
        {
            var c = AuthContainer.Parser.ParseFrom(body);
            if (c.ProtectedPayload == null) throw new ControllerTrustException($"{what}: AuthContainer without payload");
            return c;
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ControllerTrustException($"{what}: answer is not an AuthContainer: {e.Message}");
        }
    }

    public static void Expect(int status, byte[] body, string what, params int[] ok)
    {
        if (!ok.Contains(status)) throw new ControllerRefusedException(status, $"{what}: controller answered {status} {Text(body)}");
    }

    private static string Text(byte[] body) =>
        body.Length == 0 ? "" : System.Text.Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 300))).Trim();

    private static string Describe(HttpRequestException e) => e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message;

    /// <summary>The controller's TLS cert must chain to our TLS roots and name the server.</summary>
    private bool ValidateServer(object sender, X509Certificate? cert, X509Chain? _, SslPolicyErrors errors)
    {
        if (cert == null) return false;
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            _log.LogWarning("controller TLS cert '{Subject}' does not name {Host}", cert.Subject, _bootstrap.Server.Host);
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_bootstrap.TlsRoots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        var ok = chain.Build(X509CertificateLoader.LoadCertificate(cert.GetRawCertData()));
        if (!ok) _log.LogWarning("controller TLS cert '{Subject}' does not chain to the trusted roots: {Status}", cert.Subject,
            string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim())));
        return ok;
    }

    public void Dispose() => _http.Dispose();
}
