namespace Eve.Appliance.Platform.Tpm;

/// <summary>TPMT_SYM_DEF_OBJECT: the symmetric algorithm a storage key uses to protect its children.</summary>
internal readonly record struct TpmSymDef(TpmAlg Alg, ushort KeyBits = 0, TpmAlg Mode = TpmAlg.Null)
{
    public static TpmSymDef Null => new(TpmAlg.Null);
    public static TpmSymDef Aes128Cfb => new(TpmAlg.Aes, 128, TpmAlg.Cfb);

    public void Write(ref TpmWriter w)
    {
        w.U16((ushort)Alg);
        if (Alg == TpmAlg.Null) return;
        w.U16(KeyBits);
        w.U16((ushort)Mode);
    }

    public static TpmSymDef Read(ref TpmReader r)
    {
        var alg = (TpmAlg)r.U16();
        return alg == TpmAlg.Null ? Null : new TpmSymDef(alg, r.U16(), (TpmAlg)r.U16());
    }
}
