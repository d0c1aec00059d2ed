using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Eve.Appliance.Tests.Agent.Identity;

/// <summary>The certificate rules both key kinds must follow, checked the same way for each.</summary>
internal static class DeviceCertificateAssertions
{
    public static readonly DateTimeOffset Now = new(2026, 11, 28, 7, 30, 15, TimeSpan.Zero);

    public static void AssertDeviceCertificate(X509Certificate2 cert, string serial)
    {
        Assert.That(cert.GetNameInfo(X509NameType.SimpleName, false), Is.EqualTo(serial));
        Assert.That(cert.Issuer, Is.EqualTo(cert.Subject), "self-signed");
        Assert.That(cert.HasPrivateKey, Is.False);
        Assert.That(cert.SignatureAlgorithm.Value, Is.EqualTo("1.2.840.10045.4.3.2"), "ecdsa-with-SHA256");
        Assert.That(new DateTimeOffset(cert.NotBefore.ToUniversalTime()), Is.EqualTo(Now.AddDays(-1)));
        Assert.That(new DateTimeOffset(cert.NotAfter.ToUniversalTime()), Is.EqualTo(Now.AddDays(-1).AddYears(20)));
        using var pub = cert.GetECDsaPublicKey()!;
        Assert.That(pub.KeySize, Is.EqualTo(256));
        Assert.That(IsSignedBy(cert, cert), Is.True, "the self-signature verifies");
    }

    /// <summary>Checks the X.509 signature with the issuer's key, independent of chain policy.</summary>
    public static bool IsSignedBy(X509Certificate2 cert, X509Certificate2 issuer)
    {
        var reader = new System.Formats.Asn1.AsnReader(cert.RawData, System.Formats.Asn1.AsnEncodingRules.DER);
        var seq = reader.ReadSequence();
        var tbs = seq.ReadEncodedValue();
        seq.ReadSequence(); // signatureAlgorithm
        var sig = seq.ReadBitString(out _);
        using var key = issuer.GetECDsaPublicKey()!;
        return key.VerifyData(tbs.Span, sig, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }
}
