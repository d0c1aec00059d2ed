using System.Security.Cryptography;

namespace Eve.Appliance.Platform.Tpm;

/// <summary>The verifier's side of a PCR quote: the signature over SHA-256(TPMS_ATTEST) checks
/// with the attestation key, the attest is TPM-generated, carries our nonce, and its PCR digest is
/// the hash of the reported PCR values. Returns the reason when something does not hold.</summary>
internal static class TpmQuoteVerifier
{
    public static string? Verify(TpmPcrQuote quote, ECParameters attestationKey, ReadOnlySpan<byte> expectedNonce)
    {
        using var ecdsa = ECDsa.Create(attestationKey);
        var digest = SHA256.HashData(quote.Quote.Attest);
        if (!ecdsa.VerifyHash(digest, quote.Quote.Signature.ToP1363()))
            return "quote signature does not verify with the attestation key";
        TpmQuoteInfo info;
        try
        {
            info = quote.Quote.Parse();
        }
        catch (TpmProtocolException e)
        {
            return e.Message;
        }
        if (!info.ExtraData.AsSpan().SequenceEqual(expectedNonce))
            return "quote does not carry the nonce we sent (replayed or for another request)";
        if (info.Pcrs.Count != 1 || info.Pcrs[0].Hash != quote.Selection.Hash
            || !info.Pcrs[0].Pcrs.SequenceEqual(quote.Selection.Pcrs.Order()))
            return $"quote covers {string.Join(' ', info.Pcrs)}, the device reported {quote.Selection}";
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var pcr in info.Pcrs[0].Pcrs)
        {
            if (!quote.PcrValues.TryGetValue(pcr, out var value))
                return $"PCR {pcr} is quoted but its value was not reported";
            h.AppendData(value);
        }
        return h.GetHashAndReset().AsSpan().SequenceEqual(info.PcrDigest)
            ? null
            : "reported PCR values do not hash to the quoted PCR digest (PCRs changed or values were altered)";
    }
}
