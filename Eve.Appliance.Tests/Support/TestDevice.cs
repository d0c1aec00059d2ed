using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Eve.Appliance.Agent.Identity;
using Eve.Appliance.Api.Envelope;
using Google.Protobuf;
using Org.Lfedge.Eve.Register;

namespace Eve.Appliance.Tests.Support;

/// <summary>
/// A device made by hand for wire-level tests: its own key and cert, and a raw HTTPS client that
/// trusts the controller's root, so tests can send exactly the bytes they want (good or hostile).
/// </summary>
internal sealed class TestDevice : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly HttpClient _http;

    public TestDevice(Uri controller, string bootstrapDir, string serial, X509Certificate2? clientCert = null)
    {
        Serial = serial;
        Cert = DeviceCertificateBuilder.SelfSigned(_key, serial);
        Signer = new EcdsaCertSigner(Cert, _key);
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(Path.Combine(bootstrapDir, "root-certificate.pem"));
        OnboardPem = File.ReadAllText(Path.Combine(bootstrapDir, "onboard.cert.pem"));
        OnboardCert = X509Certificate2.CreateFromPem(OnboardPem);
        OnboardKey = ECDsa.Create();
        OnboardKey.ImportFromPem(File.ReadAllText(Path.Combine(bootstrapDir, "onboard.key.pem")));
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return cert != null && chain.Build(X509CertificateLoader.LoadCertificate(cert.GetRawCertData()));
        };
        if (clientCert != null) handler.SslOptions.ClientCertificates = [clientCert];
        _http = new HttpClient(handler) { BaseAddress = controller };
    }

    public string Serial { get; }
    public X509Certificate2 Cert { get; }
    public IEnvelopeSigner Signer { get; }
    public string OnboardPem { get; }
    public X509Certificate2 OnboardCert { get; }
    public ECDsa OnboardKey { get; }
    public string? Id { get; set; }

    public ZRegisterMsg RegisterMsg(string? serial = null) => new()
    {
        PemCert = ByteString.CopyFrom(Encoding.ASCII.GetBytes(Convert.ToBase64String(Encoding.ASCII.GetBytes(Cert.ExportCertificatePem())))),
        Serial = serial ?? Serial,
    };

    public byte[] RegisterEnvelope(ZRegisterMsg msg) =>
        AuthContainers.Seal(msg, new EcdsaCertSigner(OnboardCert, OnboardKey),
            ByteString.CopyFrom(Encoding.ASCII.GetBytes(Convert.ToBase64String(Encoding.ASCII.GetBytes(OnboardPem))))).ToByteArray();

    public byte[] Envelope(IMessage payload) => AuthContainers.Seal(payload, Signer).ToByteArray();

    public async Task<(HttpStatusCode Status, byte[] Body, HttpResponseMessage Response)> SendAsync(HttpMethod method, string path, byte[]? body)
    {
        using var req = new HttpRequestMessage(method, path);
        if (body != null)
        {
            req.Content = new ByteArrayContent(body);
            req.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-proto-binary");
        }
        var resp = await _http.SendAsync(req);
        return (resp.StatusCode, await resp.Content.ReadAsByteArrayAsync(), resp);
    }

    public Task<(HttpStatusCode Status, byte[] Body, HttpResponseMessage Response)> PostAsync(string path, byte[] body) => SendAsync(HttpMethod.Post, path, body);

    /// <summary>register + uuid, the happy path; sets <see cref="Id"/>.</summary>
    public async Task OnboardAsync()
    {
        var (status, _, _) = await PostAsync("/api/v2/edgedevice/register", RegisterEnvelope(RegisterMsg()));
        if (status is not (HttpStatusCode.Created or HttpStatusCode.OK)) throw new InvalidOperationException($"register: {status}");
        var (s2, body, _) = await PostAsync("/api/v2/edgedevice/uuid", Envelope(new Org.Lfedge.Eve.Uuid.UuidRequest()));
        if (s2 != HttpStatusCode.OK) throw new InvalidOperationException($"uuid: {s2}");
        var container = Org.Lfedge.Eve.Auth.AuthContainer.Parser.ParseFrom(body);
        Id = Org.Lfedge.Eve.Uuid.UuidResponse.Parser.ParseFrom(container.ProtectedPayload.Payload).Uuid;
    }

    public void Dispose()
    {
        _http.Dispose();
        _key.Dispose();
        OnboardKey.Dispose();
    }

}
