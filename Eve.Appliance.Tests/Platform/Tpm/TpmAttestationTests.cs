using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Platform.Tpm;

namespace Eve.Appliance.Tests.Platform.Tpm;

/// <summary>Quotes and EK handling against a swtpm manufactured by swtpm_setup (EK certs in NV).</summary>
[TestFixture]
[Parallelizable(ParallelScope.Self)]
public sealed class TpmAttestationTests : SwtpmFixture
{
    private TpmAttestation _attestation = null!;

    private protected override bool Manufacture => true;

    [OneTimeSetUp]
    public void CreateAttestation() => _attestation = new TpmAttestation(Tpm);

    [Test]
    public async Task Quote_VerifiesWithAttestationKey_AndCarriesTheNonce()
    {
        var ak = await _attestation.EnsureAttestationKeyAsync();
        await Tpm.PcrExtendAsync(10, TpmAlg.Sha256, SHA256.HashData("ima"u8)); // a non-trivial PCR value
        var nonce = RandomNumberGenerator.GetBytes(32);

        var quote = await _attestation.QuoteAsync(ak.Handle, nonce);

        Assert.That(TpmQuoteVerifier.Verify(quote, ak.Public.ToECParameters(), nonce), Is.Null);
        var info = quote.Quote.Parse();
        Assert.That(info.ExtraData, Is.EqualTo(nonce));
        Assert.That(info.Pcrs.Single().Pcrs, Is.EqualTo(Enumerable.Range(0, 16)));
        Assert.That(info.QualifiedSigner[2..], Has.Length.EqualTo(32), "the AK's qualified name (sha256)");
        Assert.That(quote.PcrValues[10], Is.Not.EqualTo(new byte[32]));
    }

    [Test]
    public async Task Quote_IsRejected_ForAnotherNonce_AlteredPcrValue_OrAnotherKey()
    {
        var ak = await _attestation.EnsureAttestationKeyAsync();
        var nonce = RandomNumberGenerator.GetBytes(20);
        var quote = await _attestation.QuoteAsync(ak.Handle, nonce);

        Assert.That(TpmQuoteVerifier.Verify(quote, ak.Public.ToECParameters(), new byte[20]), Does.Contain("nonce"));

        var altered = new Dictionary<int, byte[]>(quote.PcrValues) { [0] = SHA256.HashData("evil firmware"u8) };
        Assert.That(TpmQuoteVerifier.Verify(quote with { PcrValues = altered }, ak.Public.ToECParameters(), nonce),
            Does.Contain("do not hash to the quoted PCR digest"));

        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.That(TpmQuoteVerifier.Verify(quote, other.ExportParameters(false), nonce), Does.Contain("signature"));
    }

    [Test]
    public async Task AttestationKey_IsRestricted_AndReusedAtItsHandle()
    {
        var first = await _attestation.EnsureAttestationKeyAsync();
        var second = await _attestation.EnsureAttestationKeyAsync();
        Assert.That(first.Handle, Is.EqualTo(TpmAttestation.EveQuoteKeyHandle));
        Assert.That(second.Public.SameKeyAs(first.Public), Is.True);
        Assert.That(first.Public.Attributes.HasFlag(TpmObjectAttributes.Restricted | TpmObjectAttributes.Sign), Is.True);
        // A restricted key refuses to sign a digest of our choosing (it could be a forged attest).
        var e = Assert.ThrowsAsync<TpmException>(() => Tpm.SignAsync(first.Handle, SHA256.HashData("x"u8)));
        Assert.That(e!.RcName, Is.EqualTo("TPM_RC_TICKET"));
    }

    [Test]
    public async Task EccEk_FromTcgTemplate_IsTheSameKeyEveryTime()
    {
        var a = await _attestation.CreateEccEndorsementKeyAsync();
        await Tpm.FlushContextAsync(a.Handle);
        var b = await _attestation.CreateEccEndorsementKeyAsync();
        await Tpm.FlushContextAsync(b.Handle);

        Assert.That(b.Public.SameKeyAs(a.Public), Is.True);
        Assert.That(a.Public.Attributes, Is.EqualTo((TpmObjectAttributes)0x000300B2), "TCG EK profile template L-2");
        Assert.That(a.Public.AuthPolicy, Is.EqualTo(TpmTemplates.EkPolicyEndorsement));
    }

    [Test]
    public async Task EkCertificates_WrittenBySwtpmSetup_AreReadAndMatchTheEks()
    {
        var certs = await _attestation.ReadEkCertificatesAsync();
        TestContext.Out.WriteLine(string.Join("\n", certs.Select(c => $"{TpmHandle.Format(c.NvIndex)} {c.Kind}: {c.Certificate.Subject} / {c.Certificate.Issuer}")));

        // swtpm 0.7 provisions an RSA-2048 EK (cert at 0x01c00002) and an ECC P-384 EK (0x01c00016).
        var rsa = certs.Single(c => c.NvIndex == TpmEkCertificateIndex.RsaLow);
        var ecc = certs.Single(c => c.NvIndex == TpmEkCertificateIndex.EccP384High);

        var rsaEk = await Tpm.ReadPublicAsync(0x81010001);
        using var rsaPub = rsa.Certificate.GetRSAPublicKey()!;
        Assert.That(rsaPub.ExportParameters(false).Modulus, Is.EqualTo(rsaEk.Public.RsaModulus));

        var eccEk = await Tpm.ReadPublicAsync(0x81010016);
        Assert.That(eccEk.Public.Curve, Is.EqualTo(TpmEccCurve.NistP384));
        // The SPKI's subjectPublicKey is the uncompressed point 04 || X || Y (the algorithm OID may be
        // id-ecPublicKey or an ECDH-only one, so compare the point itself).
        Assert.That(ecc.Certificate.PublicKey.EncodedKeyValue.RawData,
            Is.EqualTo(new byte[] { 0x04 }.Concat(eccEk.Public.EccPoint!.X).Concat(eccEk.Public.EccPoint.Y).ToArray()));
        Assert.That(ecc.Certificate.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages,
            Is.EqualTo(X509KeyUsageFlags.KeyAgreement), "an ECC EK is a decryption key, not a signing key");
    }
}
