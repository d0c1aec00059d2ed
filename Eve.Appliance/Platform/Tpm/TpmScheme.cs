namespace Eve.Appliance.Platform.Tpm;

/// <summary>A scheme with its hash (TPMT_ECC_SCHEME, TPMT_RSA_SCHEME, TPMT_KDF_SCHEME, TPMT_SIG_SCHEME):
/// the hash is on the wire only when the scheme is not TPM_ALG_NULL.</summary>
internal readonly record struct TpmScheme(TpmAlg Alg, TpmAlg Hash = TpmAlg.Null)
{
    public static TpmScheme Null => new(TpmAlg.Null);
    public static TpmScheme EcdsaSha256 => new(TpmAlg.Ecdsa, TpmAlg.Sha256);

    public void Write(ref TpmWriter w)
    {
        w.U16((ushort)Alg);
        if (Alg != TpmAlg.Null) w.U16((ushort)Hash);
    }

    public static TpmScheme Read(ref TpmReader r)
    {
        var alg = (TpmAlg)r.U16();
        return alg == TpmAlg.Null ? Null : new TpmScheme(alg, (TpmAlg)r.U16());
    }
}
