namespace Eve.Appliance.Platform.Tpm;

/// <summary>PCR commands: PCR_Read, PCR_Extend, Quote.</summary>
internal sealed partial class TpmClient
{
    /// <summary>TPM2_PCR_Read of the given PCRs in one bank. A TPM returns at most 8 digests per
    /// call, so this repeats until every requested PCR is read.</summary>
    public async Task<IReadOnlyDictionary<int, byte[]>> PcrReadAsync(TpmPcrSelection selection, CancellationToken ct = default)
    {
        var values = new SortedDictionary<int, byte[]>();
        var pending = selection.Pcrs.Distinct().Order().ToList();
        while (pending.Count > 0)
        {
            var (read, digests) = await ExecuteAsync(TpmCc.PcrRead, [], null, new TpmPcrSelection(selection.Hash, pending),
                static (ref w, s) => TpmPcrSelection.WriteList(ref w, [s]), 0,
                static (ref r, _) =>
                {
                    r.U32(); // pcrUpdateCounter
                    var sel = TpmPcrSelection.ReadList(ref r);
                    var n = r.U32();
                    var list = new List<byte[]>((int)n);
                    for (var i = 0; i < n; i++) list.Add(r.SizedArray());
                    return (sel, list);
                }, ct, selection.ToString()).ConfigureAwait(false);
            var readPcrs = read.SelectMany(s => s.Pcrs).ToList();
            if (readPcrs.Count == 0 || readPcrs.Count != digests.Count)
                throw new TpmProtocolException($"TPM2_PCR_Read returned no values for {new TpmPcrSelection(selection.Hash, pending)}; is the {selection.Hash} bank active?");
            for (var i = 0; i < readPcrs.Count; i++) values[readPcrs[i]] = digests[i];
            pending.RemoveAll(readPcrs.Contains);
        }
        return values;
    }

    /// <summary>TPM2_PCR_Extend: PCR := H(PCR ‖ digest) in the digest's bank.</summary>
    public Task PcrExtendAsync(int pcr, TpmAlg hash, ReadOnlyMemory<byte> digest, TpmAuth pcrAuth = default,
        CancellationToken ct = default) =>
        ExecuteAsync(TpmCc.PcrExtend, [(uint)pcr], pcrAuth, (hash, digest),
            static (ref w, a) =>
            {
                w.U32(1);                 // TPML_DIGEST_VALUES count
                w.U16((ushort)a.hash);    // TPMT_HA: algorithm, then the raw digest (no size)
                w.Bytes(a.digest.Span);
            }, 0, NoResult, ct, $"PCR {pcr}");

    /// <summary>TPM2_Quote: the TPM signs a TPMS_ATTEST holding <paramref name="qualifyingData"/>
    /// (the verifier's nonce) and the digest of the selected PCRs, with an ECDSA key.</summary>
    public Task<TpmQuote> QuoteAsync(uint signKey, ReadOnlyMemory<byte> qualifyingData, IReadOnlyList<TpmPcrSelection> pcrs,
        TpmAuth keyAuth = default, CancellationToken ct = default) =>
        ExecuteAsync(TpmCc.Quote, [signKey], keyAuth, (qualifyingData, pcrs),
            static (ref w, a) =>
            {
                w.Sized(a.qualifyingData.Span);
                TpmScheme.EcdsaSha256.Write(ref w);
                TpmPcrSelection.WriteList(ref w, a.pcrs);
            }, 0,
            static (ref r, _) => new TpmQuote(r.SizedArray(), TpmEcdsaSignature.Read(ref r)),
            ct, $"key {TpmHandle.Format(signKey)}");
}
