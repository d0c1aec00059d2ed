namespace Eve.Appliance.Platform.Tpm;

/// <summary>TPM2_Quote output: the TPMS_ATTEST bytes exactly as signed (the verifier hashes these)
/// and the signature over SHA-256 of them.</summary>
internal sealed record TpmQuote(byte[] Attest, TpmEcdsaSignature Signature)
{
    public TpmQuoteInfo Parse() => TpmQuoteInfo.Parse(Attest);
}
