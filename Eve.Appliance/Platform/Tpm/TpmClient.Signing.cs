namespace Eve.Appliance.Platform.Tpm;

/// <summary>Key-use commands: Sign (ECDSA SHA-256) and ECDH_ZGen.</summary>
internal sealed partial class TpmClient
{
    /// <summary>TPM2_Sign over a SHA-256 digest with an unrestricted ECDSA key.</summary>
    public Task<TpmEcdsaSignature> SignAsync(uint key, ReadOnlyMemory<byte> sha256Digest, TpmAuth keyAuth = default,
        CancellationToken ct = default)
    {
        if (sha256Digest.Length != 32)
            throw new ArgumentException($"a SHA-256 digest is 32 bytes, got {sha256Digest.Length}", nameof(sha256Digest));
        return ExecuteAsync(TpmCc.Sign, [key], keyAuth, sha256Digest,
            static (ref w, d) =>
            {
                w.Sized(d.Span);
                TpmScheme.EcdsaSha256.Write(ref w);
                // TPMT_TK_HASHCHECK: a NULL ticket, allowed because the key is unrestricted.
                w.U16((ushort)TpmSt.HashCheck);
                w.U32(TpmHandle.Null);
                w.Sized([]);
            },
            0, static (ref r, _) => TpmEcdsaSignature.Read(ref r), ct, $"key {TpmHandle.Format(key)}");
    }

    /// <summary>TPM2_ECDH_ZGen: multiplies the peer's public point by our private key; the X
    /// coordinate of the result is the ECDH shared secret Z.</summary>
    public Task<TpmEccPoint> EcdhZGenAsync(uint key, TpmEccPoint peerPoint, TpmAuth keyAuth = default,
        CancellationToken ct = default) =>
        ExecuteAsync(TpmCc.EcdhZGen, [key], keyAuth, peerPoint,
            static (ref w, p) =>
            {
                var mark = w.BeginSized();
                p.Write(ref w);
                w.EndSized(mark);
            },
            0, static (ref r, _) =>
            {
                r.U16(); // TPM2B_ECC_POINT size
                return TpmEccPoint.Read(ref r);
            }, ct, $"key {TpmHandle.Format(key)}");
}
