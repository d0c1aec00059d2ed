using System.Formats.Asn1;
using System.Numerics;

namespace Eve.Appliance.Platform.Tpm;

/// <summary>An ECDSA signature as the TPM returns it (TPMS_SIGNATURE_ECDSA: r and s as big-endian
/// integers, leading zeros possibly stripped) with the two encodings the rest of the world wants.</summary>
internal sealed record TpmEcdsaSignature(byte[] R, byte[] S)
{
    /// <summary>IEEE P1363 r‖s, each left-padded to the field size (32 for P-256): EVE's
    /// AuthContainer form and .NET's default.</summary>
    public byte[] ToP1363(int fieldSize = 32)
    {
        var result = new byte[2 * fieldSize];
        CopyPadded(R, result.AsSpan(0, fieldSize));
        CopyPadded(S, result.AsSpan(fieldSize, fieldSize));
        return result;
    }

    /// <summary>DER SEQUENCE { INTEGER r, INTEGER s } (RFC 3279 Ecdsa-Sig-Value): the X.509 form.</summary>
    public byte[] ToDer()
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            w.WriteInteger(new BigInteger(R, isUnsigned: true, isBigEndian: true));
            w.WriteInteger(new BigInteger(S, isUnsigned: true, isBigEndian: true));
        }
        return w.Encode();
    }

    private static void CopyPadded(ReadOnlySpan<byte> value, Span<byte> dest)
    {
        var v = value.TrimStart((byte)0);
        if (v.Length > dest.Length)
            throw new TpmProtocolException($"ECDSA signature component of {v.Length} bytes does not fit a {dest.Length}-byte field");
        dest[..^v.Length].Clear();
        v.CopyTo(dest[^v.Length..]);
    }

    /// <summary>Reads a TPMT_SIGNATURE and insists on ECDSA.</summary>
    public static TpmEcdsaSignature Read(ref TpmReader r)
    {
        var alg = (TpmAlg)r.U16();
        if (alg != TpmAlg.Ecdsa)
            throw new TpmProtocolException($"expected an ECDSA signature, the TPM returned algorithm 0x{(ushort)alg:x4}");
        r.U16(); // hash
        return new TpmEcdsaSignature(r.SizedArray(), r.SizedArray());
    }
}
