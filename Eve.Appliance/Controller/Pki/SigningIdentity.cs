using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Api.Envelope;
using HashAlgorithm = Org.Lfedge.Eve.Common.HashAlgorithm;

namespace Eve.Appliance.Controller.Pki;

/// <summary>
/// One controller signing cert with its key: what signs every AuthContainer the controller sends.
/// Immutable, so an envelope sealed during a rotation carries the hash and the signature of the
/// same cert (callers take one <see cref="ControllerPki.Signer"/> snapshot per envelope).
/// </summary>
internal sealed class SigningIdentity : IEnvelopeSigner, IDisposable
{
    private readonly ECDsa _key;

    private SigningIdentity(X509Certificate2 cert, ECDsa key)
    {
        Cert = cert;
        _key = key;
        PemText = CertHashes.TrimmedPem(cert);
        SenderCertHash = CertHashes.OfPemText(PemText);
    }

    public X509Certificate2 Cert { get; }

    /// <summary>The trimmed PEM text /certs carries (ZCert.cert) and devices hash.</summary>
    public byte[] PemText { get; }

    public ReadOnlyMemory<byte> SenderCertHash { get; }
    public HashAlgorithm HashAlgo => HashAlgorithm.Sha25632Bytes;

    public byte[] SignDigest(ReadOnlySpan<byte> digest) =>
        _key.SignHash(digest, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public static SigningIdentity Load(PkiFiles files)
    {
        var cert = X509Certificate2.CreateFromPem(File.ReadAllText(files.SigningCert));
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(files.SigningKey));
        using var certKey = cert.GetECDsaPublicKey();
        if (certKey == null || !certKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
        {
            key.Dispose();
            cert.Dispose();
            throw new InvalidOperationException(
                $"controller signing key {files.SigningKey} does not belong to signing cert {files.SigningCert} (an interrupted rotation?); " +
                $"run `eve-appliance pki rotate-signing --data-dir DIR` to issue a matching pair");
        }
        return new SigningIdentity(cert, key);
    }

    public void Dispose()
    {
        _key.Dispose();
        Cert.Dispose();
    }
}
