using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Eve.Appliance.Agent.Content;

/// <summary>The HttpClient a datastore is fetched with. Extra CA certificates (a datastore with a
/// private CA, or the controller's own) are trusted in addition to the system's, and only for the
/// chain: a certificate for another host name is still refused.</summary>
internal static class DatastoreHttpClient
{
    public static HttpClient Create(X509Certificate2Collection? extraTrustedCas = null, TimeSpan? connectTimeout = null)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = connectTimeout ?? TimeSpan.FromSeconds(30),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        };
        if (extraTrustedCas is { Count: > 0 } roots)
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, chain, errors) => Validate(cert, chain, errors, roots);
        // The downloader's stall timeout, not a whole-request timeout, decides when a transfer is dead:
        // a multi-GB image legitimately takes longer than any fixed limit.
        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private static bool Validate(X509Certificate? cert, X509Chain? presented, SslPolicyErrors errors, X509Certificate2Collection roots)
    {
        if (errors == SslPolicyErrors.None) return true;
        if (cert is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
            foreach (var element in presented.ChainElements) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        return chain.Build(cert as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(cert.GetRawCertData()));
    }
}
