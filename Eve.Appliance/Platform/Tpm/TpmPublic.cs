using System.Security.Cryptography;

namespace Eve.Appliance.Platform.Tpm;

/// <summary>TPMT_PUBLIC for ECC and RSA objects (Part 2 §12.2.4): the template sent to
/// CreatePrimary/Create and the public area the TPM returns. Other object types (keyed hash,
/// symmetric) are not needed by the appliance and are refused when parsing.</summary>
internal sealed record TpmPublic(
    TpmAlg Type,
    TpmAlg NameAlg,
    TpmObjectAttributes Attributes,
    byte[] AuthPolicy,
    TpmSymDef Symmetric,
    TpmScheme Scheme,
    TpmEccCurve Curve = TpmEccCurve.None,
    TpmScheme Kdf = default,
    TpmEccPoint? EccPoint = null,
    ushort RsaKeyBits = 0,
    uint RsaExponent = 0,
    byte[]? RsaModulus = null)
{
    public void Write(ref TpmWriter w)
    {
        w.U16((ushort)Type);
        w.U16((ushort)NameAlg);
        w.U32((uint)Attributes);
        w.Sized(AuthPolicy);
        Symmetric.Write(ref w);
        Scheme.Write(ref w);
        switch (Type)
        {
            case TpmAlg.Ecc:
                w.U16((ushort)Curve);
                (Kdf.Alg == TpmAlg.Error ? TpmScheme.Null : Kdf).Write(ref w);
                (EccPoint ?? TpmEccPoint.Empty).Write(ref w);
                break;
            case TpmAlg.Rsa:
                w.U16(RsaKeyBits);
                w.U32(RsaExponent);
                w.Sized(RsaModulus ?? []);
                break;
            default:
                throw new NotSupportedException($"TPM object type {Type} is not supported by this client (ECC and RSA only)");
        }
    }

    public static TpmPublic Read(ref TpmReader r)
    {
        var type = (TpmAlg)r.U16();
        var nameAlg = (TpmAlg)r.U16();
        var attributes = (TpmObjectAttributes)r.U32();
        var policy = r.SizedArray();
        if (type is not (TpmAlg.Ecc or TpmAlg.Rsa))
            throw new TpmProtocolException($"TPM object type 0x{(ushort)type:x4} is not supported by this client (ECC and RSA only)");
        var sym = TpmSymDef.Read(ref r);
        var scheme = TpmScheme.Read(ref r);
        if (type == TpmAlg.Ecc)
        {
            var curve = (TpmEccCurve)r.U16();
            var kdf = TpmScheme.Read(ref r);
            return new TpmPublic(type, nameAlg, attributes, policy, sym, scheme, curve, kdf, TpmEccPoint.Read(ref r));
        }
        var bits = r.U16();
        var exponent = r.U32();
        return new TpmPublic(type, nameAlg, attributes, policy, sym, scheme, RsaKeyBits: bits,
            RsaExponent: exponent, RsaModulus: r.SizedArray());
    }

    /// <summary>The TPMT_PUBLIC bytes, as they go inside a TPM2B_PUBLIC.</summary>
    public byte[] Encode()
    {
        Span<byte> buf = stackalloc byte[1024];
        var w = new TpmWriter(buf);
        Write(ref w);
        return buf[..w.Length].ToArray();
    }

    public static TpmPublic Decode(ReadOnlySpan<byte> publicArea)
    {
        var r = new TpmReader(publicArea);
        return Read(ref r);
    }

    /// <summary>The public key as .NET parameters (ECC P-256/P-384 only).</summary>
    public ECParameters ToECParameters()
    {
        if (Type != TpmAlg.Ecc || EccPoint is null)
            throw new InvalidOperationException($"TPM object of type {Type} is not an ECC key");
        var curve = Curve switch
        {
            TpmEccCurve.NistP256 => ECCurve.NamedCurves.nistP256,
            TpmEccCurve.NistP384 => ECCurve.NamedCurves.nistP384,
            _ => throw new NotSupportedException($"TPM ECC curve 0x{(ushort)Curve:x4} is not supported"),
        };
        return new ECParameters { Curve = curve, Q = EccPoint.ToECPoint() };
    }

    /// <summary>True when both describe the same public key (ECC point or RSA modulus).</summary>
    public bool SameKeyAs(TpmPublic other) =>
        Type == other.Type && Curve == other.Curve
        && (Type == TpmAlg.Ecc
            ? EccPoint is not null && other.EccPoint is not null
              && EccPoint.X.AsSpan().SequenceEqual(other.EccPoint.X) && EccPoint.Y.AsSpan().SequenceEqual(other.EccPoint.Y)
            : (RsaModulus ?? []).AsSpan().SequenceEqual(other.RsaModulus ?? []));
}
