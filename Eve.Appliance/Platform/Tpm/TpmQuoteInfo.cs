namespace Eve.Appliance.Platform.Tpm;

/// <summary>A parsed TPMS_ATTEST of type TPM_ST_ATTEST_QUOTE (Part 2 §10.12.12): who signed,
/// the caller's nonce (extraData), the TPM clock, and the digest of the selected PCRs.</summary>
internal sealed record TpmQuoteInfo(
    byte[] QualifiedSigner,
    byte[] ExtraData,
    ulong Clock,
    uint ResetCount,
    uint RestartCount,
    bool Safe,
    ulong FirmwareVersion,
    IReadOnlyList<TpmPcrSelection> Pcrs,
    byte[] PcrDigest)
{
    /// <summary>TPM_GENERATED_VALUE: "\xffTCG", the marker only the TPM puts at the start of what it signs.</summary>
    public const uint GeneratedMagic = 0xFF544347;

    public static TpmQuoteInfo Parse(ReadOnlySpan<byte> attest)
    {
        var r = new TpmReader(attest);
        var magic = r.U32();
        if (magic != GeneratedMagic)
            throw new TpmProtocolException($"TPMS_ATTEST magic is 0x{magic:x8}, expected 0x{GeneratedMagic:x8} (not TPM-generated)");
        var type = (TpmSt)r.U16();
        if (type != TpmSt.AttestQuote)
            throw new TpmProtocolException($"TPMS_ATTEST type is 0x{(ushort)type:x4}, expected a quote (0x8018)");
        var signer = r.SizedArray();
        var extra = r.SizedArray();
        var clock = r.U64();
        var resetCount = r.U32();
        var restartCount = r.U32();
        var safe = r.U8() != 0;
        var firmware = r.U64();
        var pcrs = TpmPcrSelection.ReadList(ref r);
        return new TpmQuoteInfo(signer, extra, clock, resetCount, restartCount, safe, firmware, pcrs, r.SizedArray());
    }
}
