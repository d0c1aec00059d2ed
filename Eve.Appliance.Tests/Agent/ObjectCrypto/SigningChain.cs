using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Eve.Appliance.Tests.Agent.ObjectCrypto;

/// <summary>A root CA (standing in for the controller's root-certificate.pem), an intermediate CA
/// and an image-signing leaf (ECDSA or RSA) issued by it.</summary>
internal sealed class SigningChain : IDisposable
{
    public SigningChain(bool rsaSigner = false, string name = "eve-test")
    {
        var now = DateTimeOffset.UtcNow;
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        RootWithKey = Ca($"CN={name} root", rootKey).CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        Root = X509CertificateLoader.LoadCertificate(RootWithKey.RawData);
        using var interKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using (var inter = Ca($"CN={name} intermediate", interKey).Create(RootWithKey, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(8)))
            IntermediateWithKey = inter.CopyWithPrivateKey(interKey);
        Intermediate = X509CertificateLoader.LoadCertificate(IntermediateWithKey.RawData);

        if (rsaSigner)
        {
            Rsa = RSA.Create(2048);
            Signer = Leaf($"CN={name} image signer", new CertificateRequest($"CN={name} image signer", Rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), now);
        }
        else
        {
            Ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            Signer = Leaf($"CN={name} image signer", new CertificateRequest($"CN={name} image signer", Ec, HashAlgorithmName.SHA256), now);
        }
    }

    public X509Certificate2 RootWithKey { get; }
    public X509Certificate2 Root { get; }
    public X509Certificate2 IntermediateWithKey { get; }
    public X509Certificate2 Intermediate { get; }
    public X509Certificate2 Signer { get; }
    public ECDsa? Ec { get; }
    public RSA? Rsa { get; }

    /// <summary>The signature as EVE's controller puts it in siginfo: RSA PKCS#1 v1.5 bytes, or
    /// base64 text of ECDSA r‖s, over the image's SHA-256 digest.</summary>
    public byte[] SignDigest(byte[] digest) => Rsa != null
        ? Rsa.SignHash(digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
        : System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(Ec!.SignHash(digest, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)));

    private static CertificateRequest Ca(string subject, ECDsa key)
    {
        var req = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return req;
    }

    private X509Certificate2 Leaf(string subject, CertificateRequest req, DateTimeOffset now)
    {
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        // The generator form lets an EC intermediate sign an RSA leaf.
        using var issuerKey = IntermediateWithKey.GetECDsaPrivateKey()!;
        using var cert = req.Create(IntermediateWithKey.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey),
            now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(8));
        return X509CertificateLoader.LoadCertificate(cert.RawData);
    }

    public void Dispose()
    {
        RootWithKey.Dispose();
        Root.Dispose();
        IntermediateWithKey.Dispose();
        Intermediate.Dispose();
        Signer.Dispose();
        Ec?.Dispose();
        Rsa?.Dispose();
    }
}
