using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Platform.Tpm;
using Org.Lfedge.Eve.Attest;

namespace Eve.Appliance.Controller.Devices;

/// <summary>
/// Checks a device's PCR quote: the attestation key's cert must be issued (signed) by the device
/// cert we registered, and the quote must verify with it, carry our nonce, and match the reported
/// PCR values. Returns the reason when it does not hold.
/// </summary>
internal static class QuoteCheck
{
    public static string? AttestationCertProblem(string akPem, string devicePem)
    {
        var parser = new Org.BouncyCastle.X509.X509CertificateParser();
        try
        {
            using var ak = X509Certificate2.CreateFromPem(akPem);
            using var device = X509Certificate2.CreateFromPem(devicePem);
            var akBc = parser.ReadCertificate(ak.RawData);
            var deviceBc = parser.ReadCertificate(device.RawData);
            akBc.Verify(deviceBc.GetPublicKey());
            return null;
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or Org.BouncyCastle.Security.InvalidKeyException
                                       or Org.BouncyCastle.Security.Certificates.CertificateException or Org.BouncyCastle.Security.SignatureException)
        {
            return $"attestation key cert is not signed by the device cert: {e.Message}";
        }
    }

    public static string? QuoteProblem(ZAttestQuote quote, string akPem, ReadOnlySpan<byte> nonce)
    {
        using var ak = X509Certificate2.CreateFromPem(akPem);
        using var key = ak.GetECDsaPublicKey();
        if (key == null) return "attestation key is not an EC key";
        var sig = quote.Signature.Span;
        if (sig.Length != 64) return $"quote signature has {sig.Length} bytes; expected r‖s of 64";
        var signature = new TpmEcdsaSignature(sig[..32].ToArray(), sig[32..].ToArray());
        var values = quote.PcrValues.ToDictionary(v => (int)v.Index, v => v.Value.ToByteArray());
        var selection = TpmPcrSelection.Sha256([.. values.Keys.Order()]);
        try
        {
            return TpmQuoteVerifier.Verify(new TpmPcrQuote(new TpmQuote(quote.AttestData.ToByteArray(), signature), selection, values),
                key.ExportParameters(false), nonce);
        }
        catch (TpmProtocolException e)
        {
            return $"quote is malformed: {e.Message}";
        }
    }
}
