using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Agent.Connectivity;

namespace Eve.Appliance.Tests.Agent.Connectivity;

/// <summary>An HTTPS endpoint inside a namespace answering "pong" to any request, presenting
/// <see cref="Certificate"/> — a certificate re-signed by a TLS-intercepting proxy's CA, or by the
/// controller's own root. Also makes such CAs and leaves.</summary>
internal sealed class TlsPingServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private TlsPingServer(Socket listener, X509Certificate2 certificate)
    {
        _listener = listener;
        Certificate = certificate;
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket client;
                try { client = await _listener.AcceptAsync(_stop.Token); }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
                _ = ServeAsync(client);
            }
        });
    }

    public X509Certificate2 Certificate { get; set; }

    public static TlsPingServer Start(string netns, IPEndPoint listen, X509Certificate2 certificate)
    {
        var l = NetnsSockets.Create(netns, listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        l.Bind(listen);
        l.Listen(16);
        return new TlsPingServer(l, certificate);
    }

    private async Task ServeAsync(Socket client)
    {
        try
        {
            await using var ssl = new SslStream(new NetworkStream(client, ownsSocket: true));
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = Certificate }, _stop.Token);
            var buffer = new byte[4096];
            var seen = "";
            while (!seen.Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await ssl.ReadAsync(buffer, _stop.Token);
                if (read == 0) return;
                seen += System.Text.Encoding.ASCII.GetString(buffer, 0, read);
            }
            await ssl.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\npong"u8.ToArray(), _stop.Token);
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException or SocketException)
        {
            // The client refused our certificate (the point of some tests) or went away.
        }
    }

    /// <summary>A CA (self-signed, with its key) named <paramref name="name"/>.</summary>
    public static X509Certificate2 NewCa(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(ca.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>A server certificate for <paramref name="dnsName"/> issued by <paramref name="ca"/>.</summary>
    public static X509Certificate2 NewLeaf(X509Certificate2 ca, string dnsName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest($"CN={dnsName}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(dnsName);
        req.CertificateExtensions.Add(san.Build());
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        using var issued = req.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(12), RandomNumberGenerator.GetBytes(8));
        using var withKey = issued.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _loop;
        _stop.Dispose();
    }
}
