using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Agent.Attestation;
using Eve.Appliance.Agent.Identity;
using Eve.Appliance.Platform.Tpm;
using Eve.Appliance.Tests.Agent.Identity;
using Eve.Appliance.Tests.Support;
using Org.Lfedge.Eve.Certs;

namespace Eve.Appliance.Tests.Agent.ObjectCrypto;

/// <summary>What ATTEST_REQ_CERT carries, as EVE sends it: the attestation key cert, the ECDH cert
/// named by the first 16 bytes of SHA-256 over its PEM, and only RSA endorsement-key certs.</summary>
[TestFixture]
public sealed class EdgeNodeCertsTests
{
    [Test]
    public void CertRequest_CarriesOnlyRsaEkCerts_AndTheEcdhCert()
    {
        using var dir = new TempDir("edge-certs");
        using var key = SoftwareDeviceKey.LoadOrCreate(dir.Path, "SN-ek", new FixedTimeProvider(DateTimeOffset.UtcNow));
        using var rsa = RSA.Create(2048);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = DateTimeOffset.UtcNow;
        using var rsaEk = new CertificateRequest("CN=EK RSA", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSelfSigned(now, now.AddDays(1));
        using var eccEk = new CertificateRequest("CN=EK ECC", ec, HashAlgorithmName.SHA256).CreateSelfSigned(now, now.AddDays(1));
        using var ak = new CertificateRequest("CN=AK", ec, HashAlgorithmName.SHA256).CreateSelfSigned(now, now.AddDays(1));

        var req = TpmAttester.CertRequest(ak, [new TpmEkCertificate(0x01C00002, "RSA", rsaEk), new TpmEkCertificate(0x01C0000A, "ECC", eccEk)], key);

        var eks = req.Certs.Where(c => c.Type == ZCertType.CertTypeDeviceEndorsementRsa).ToList();
        Assert.That(eks, Has.Count.EqualTo(1), "the ECC EK cert is not sent: EVE reports the RSA EK only");
        Assert.That(eks[0].Cert.ToStringUtf8(), Does.Contain(Convert.ToBase64String(rsaEk.RawData)[..40]));
        var ecdh = req.Certs.Single(c => c.Type == ZCertType.CertTypeDeviceEcdhExchange);
        Assert.That(ecdh.CertHash.ToByteArray(), Is.EqualTo(SHA256.HashData(ecdh.Cert.ToByteArray())[..16]));
        Assert.That(ecdh.Attributes.IsTpm, Is.False, "a software ECDH key is not marked as held in a TPM");
        Assert.That(req.Certs.Count(c => c.Type == ZCertType.CertTypeDeviceRestrictedSigning), Is.EqualTo(1));
    }
}
