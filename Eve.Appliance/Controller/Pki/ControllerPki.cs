using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Api.Envelope;
using Google.Protobuf;
using Org.Lfedge.Eve.Certs;
using HashAlgorithm = Org.Lfedge.Eve.Common.HashAlgorithm;

namespace Eve.Appliance.Controller.Pki;

/// <summary>The loaded controller PKI: TLS identity, envelope signer, and the /certs answer.</summary>
internal sealed class ControllerPki : IEnvelopeSigner, IDisposable
{
    private readonly ECDsa _signingKey;

    private ControllerPki(PkiFiles files)
    {
        Files = files;
        Root = X509Certificate2.CreateFromPem(File.ReadAllText(files.RootCert));
        ServerTls = X509Certificate2.CreateFromPemFile(files.ServerCert, files.ServerKey);
        // Kestrel on Linux needs an exportable, non-ephemeral copy for SslStream.
        ServerTls = X509CertificateLoader.LoadPkcs12(ServerTls.Export(X509ContentType.Pkcs12), null);
        Signing = X509Certificate2.CreateFromPem(File.ReadAllText(files.SigningCert));
        _signingKey = ECDsa.Create();
        _signingKey.ImportFromPem(File.ReadAllText(files.SigningKey));
        Ecdh = X509Certificate2.CreateFromPem(File.ReadAllText(files.EcdhCert));
        OnboardCert = X509Certificate2.CreateFromPem(File.ReadAllText(files.OnboardCert));
        SigningPemText = CertHashes.TrimmedPem(Signing);
        EcdhPemText = CertHashes.TrimmedPem(Ecdh);
        SenderCertHash = CertHashes.OfPemText(SigningPemText);
        CertsMessage = BuildCerts();
        CertsConfigHash = Base64Url(SHA256.HashData([.. SigningPemText, .. EcdhPemText]));
    }

    public PkiFiles Files { get; }
    public X509Certificate2 Root { get; }
    public X509Certificate2 ServerTls { get; }
    public X509Certificate2 Signing { get; }
    public X509Certificate2 Ecdh { get; }
    public X509Certificate2 OnboardCert { get; }
    public byte[] SigningPemText { get; }
    public byte[] EcdhPemText { get; }
    public ZControllerCert CertsMessage { get; }

    /// <summary>EdgeDevConfig.controllercert_confighash: changes whenever the signing or ECDH cert
    /// changes, so devices know to fetch /certs again.</summary>
    public string CertsConfigHash { get; }

    public ReadOnlyMemory<byte> SenderCertHash { get; }
    public HashAlgorithm HashAlgo => HashAlgorithm.Sha25632Bytes;

    public byte[] SignDigest(ReadOnlySpan<byte> digest) =>
        _signingKey.SignHash(digest, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public static ControllerPki Load(string dataDir)
    {
        var files = PkiFiles.In(dataDir);
        if (!files.Exists)
            throw new FileNotFoundException($"no controller PKI in {files.Dir}: run `eve-appliance pki init --data-dir {dataDir} --server-name NAME`");
        return new ControllerPki(files);
    }

    private ZControllerCert BuildCerts()
    {
        var certs = new ZControllerCert();
        certs.Certs.Add(Entry(SigningPemText, ZCertType.CertTypeControllerSigning));
        certs.Certs.Add(Entry(EcdhPemText, ZCertType.CertTypeControllerEcdhExchange));
        certs.Certs.Add(Entry(CertHashes.TrimmedPem(Root), ZCertType.CertTypeControllerIntermediate));
        return certs;
    }

    private static ZCert Entry(byte[] pem, ZCertType type) => new()
    {
        HashAlgo = HashAlgorithm.Sha25616Bytes,
        CertHash = ByteString.CopyFrom(SHA256.HashData(pem).AsSpan(0, 16)),
        Type = type,
        Cert = ByteString.CopyFrom(pem),
    };

    internal static string Base64Url(byte[] hash) => Convert.ToBase64String(hash).Replace('+', '-').Replace('/', '_');

    public void Dispose()
    {
        _signingKey.Dispose();
        Root.Dispose();
        ServerTls.Dispose();
        Signing.Dispose();
        Ecdh.Dispose();
        OnboardCert.Dispose();
    }
}
