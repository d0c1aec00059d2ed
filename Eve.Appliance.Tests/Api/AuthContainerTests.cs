using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Eve.Appliance.Api.Envelope;
using Google.Protobuf;
using Org.Lfedge.Eve.Auth;

namespace Eve.Appliance.Tests.Api;

/// <summary>AuthContainer signing and verification against envelopes made by real EVE/Adam code.</summary>
[TestFixture]
public sealed class AuthContainerTests
{
    private static X509Certificate2 Pki(string name) => X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(VectorFiles.PkiDir, name)));

    [Test]
    public void UpstreamRegisterEnvelope_VerifiesWithOnboardCert_AndNamesItsDer()
    {
        var container = AuthContainer.Parser.ParseFrom(VectorFiles.Bytes("v2_register_authcontainer"));
        using var onboard = Pki("onboard.cert.pem");
        Assert.That(container.SenderCertHash.ToByteArray(), Is.EqualTo(CertHashes.OfDer(onboard)));
        Assert.That(AuthContainers.VerifySignature(container, onboard.GetECDsaPublicKey()!), Is.True);
        var senderCertPem = Encoding.ASCII.GetString(Convert.FromBase64String(container.SenderCert.ToStringUtf8()));
        Assert.That(X509Certificate2.CreateFromPem(senderCertPem).Thumbprint, Is.EqualTo(onboard.Thumbprint));
    }

    [Test]
    public void UpstreamCertsEnvelope_IsSignedByTheSigningCertsTrimmedPemHash()
    {
        var container = AuthContainer.Parser.ParseFrom(VectorFiles.Bytes("v2_certs_response_authcontainer"));
        using var signing = Pki("controller-signing.cert.pem");
        var trimmed = CertHashes.TrimmedPem(signing);
        Assert.That(AuthContainers.NamesCert(container, CertHashes.OfPemText(trimmed)), Is.True);
        Assert.That(AuthContainers.VerifySignature(container, signing.GetECDsaPublicKey()!), Is.True);
    }

    [Test]
    public void OurSeal_VerifiesLikeEve_RawRS64Bytes()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var cert = Eve.Appliance.Agent.Identity.DeviceCertificateBuilder.SelfSigned(key, "t");
        var signer = new Eve.Appliance.Agent.Identity.EcdsaCertSigner(cert, key);
        var container = AuthContainers.Seal("hello"u8, signer);
        Assert.That(container.SignatureHash.Length, Is.EqualTo(64));
        Assert.That(container.Algo, Is.EqualTo(Org.Lfedge.Eve.Common.HashAlgorithm.Sha25632Bytes));
        Assert.That(AuthContainers.VerifySignature(container, cert.GetECDsaPublicKey()!), Is.True);
    }

    [Test]
    public void TamperedPayload_DoesNotVerify_DerSignature_DoesVerify()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var container = new AuthContainer { ProtectedPayload = new AuthBody { Payload = ByteString.CopyFromUtf8("config") } };
        var digest = SHA256.HashData(container.ProtectedPayload.Payload.Span);
        container.SignatureHash = ByteString.CopyFrom(key.SignHash(digest, DSASignatureFormat.Rfc3279DerSequence));
        Assert.That(AuthContainers.VerifySignature(container, key), Is.True, "Adam accepts DER too");
        container.ProtectedPayload.Payload = ByteString.CopyFromUtf8("Config");
        Assert.That(AuthContainers.VerifySignature(container, key), Is.False);
    }

    [Test]
    public void Parse_RefusesGarbage_AndEnvelopesWithoutSignature()
    {
        var malformed = Assert.Throws<EnvelopeException>(() => AuthContainers.Parse([0x0a, 0x05, 0x01]));
        Assert.That(malformed!.Kind, Is.EqualTo(EnvelopeError.Malformed));
        var unsigned = new AuthContainer { ProtectedPayload = new AuthBody(), SenderCertHash = ByteString.CopyFrom(new byte[32]) }.ToByteArray();
        var e = Assert.Throws<EnvelopeException>(() => AuthContainers.Parse(unsigned));
        Assert.That(e!.Kind, Is.EqualTo(EnvelopeError.Unauthenticated));
    }

    [Test]
    public void SixteenByteHash_NamesCertByPrefix()
    {
        var full = SHA256.HashData("cert"u8);
        var c = new AuthContainer { Algo = Org.Lfedge.Eve.Common.HashAlgorithm.Sha25616Bytes, SenderCertHash = ByteString.CopyFrom(full.AsSpan(0, 16)) };
        Assert.That(AuthContainers.NamesCert(c, full), Is.True);
        c.Algo = Org.Lfedge.Eve.Common.HashAlgorithm.Invalid;
        Assert.That(AuthContainers.NamesCert(c, full), Is.False);
    }
}
