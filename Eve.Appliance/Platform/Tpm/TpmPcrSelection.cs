namespace Eve.Appliance.Platform.Tpm;

/// <summary>TPMS_PCR_SELECTION: a bank (hash algorithm) and a set of PCR indices, on the wire as a
/// bitmap of at least 3 bytes (PCR 0-23).</summary>
internal sealed record TpmPcrSelection(TpmAlg Hash, IReadOnlyList<int> Pcrs)
{
    private const int MinSelectBytes = 3;

    public static TpmPcrSelection Sha256(params int[] pcrs) => new(TpmAlg.Sha256, pcrs);

    public void Write(ref TpmWriter w)
    {
        w.U16((ushort)Hash);
        var size = Math.Max(MinSelectBytes, Pcrs.Count == 0 ? 0 : Pcrs.Max() / 8 + 1);
        Span<byte> bitmap = stackalloc byte[size];
        bitmap.Clear();
        foreach (var p in Pcrs) bitmap[p / 8] |= (byte)(1 << (p % 8));
        w.U8((byte)size);
        w.Bytes(bitmap);
    }

    public static TpmPcrSelection Read(ref TpmReader r)
    {
        var hash = (TpmAlg)r.U16();
        var bitmap = r.Bytes(r.U8());
        var pcrs = new List<int>();
        for (var i = 0; i < bitmap.Length * 8; i++)
            if ((bitmap[i / 8] & (1 << (i % 8))) != 0) pcrs.Add(i);
        return new TpmPcrSelection(hash, pcrs);
    }

    /// <summary>TPML_PCR_SELECTION.</summary>
    public static void WriteList(ref TpmWriter w, IReadOnlyList<TpmPcrSelection> list)
    {
        w.U32((uint)list.Count);
        foreach (var s in list) s.Write(ref w);
    }

    public static IReadOnlyList<TpmPcrSelection> ReadList(ref TpmReader r)
    {
        var n = r.U32();
        var list = new List<TpmPcrSelection>((int)n);
        for (var i = 0; i < n; i++) list.Add(Read(ref r));
        return list;
    }

    public override string ToString() => $"{Hash.ToString().ToLowerInvariant()}:{string.Join(',', Pcrs)}";
}
