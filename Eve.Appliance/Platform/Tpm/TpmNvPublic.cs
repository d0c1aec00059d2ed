namespace Eve.Appliance.Platform.Tpm;

/// <summary>TPMS_NV_PUBLIC (Part 2 §13.5): an NV index's definition.</summary>
internal sealed record TpmNvPublic(uint Index, TpmAlg NameAlg, TpmNvAttributes Attributes, byte[] AuthPolicy, ushort DataSize)
{
    /// <summary>An ordinary index the owner hierarchy can read and write with its password.</summary>
    public static TpmNvPublic OwnerReadWrite(uint index, ushort size) => new(index, TpmAlg.Sha256,
        TpmNvAttributes.OwnerRead | TpmNvAttributes.OwnerWrite | TpmNvAttributes.AuthRead
        | TpmNvAttributes.AuthWrite | TpmNvAttributes.NoDa, [], size);

    public void Write(ref TpmWriter w)
    {
        w.U32(Index);
        w.U16((ushort)NameAlg);
        w.U32((uint)Attributes);
        w.Sized(AuthPolicy);
        w.U16(DataSize);
    }

    public static TpmNvPublic Read(ref TpmReader r) =>
        new(r.U32(), (TpmAlg)r.U16(), (TpmNvAttributes)r.U32(), r.SizedArray(), r.U16());
}
