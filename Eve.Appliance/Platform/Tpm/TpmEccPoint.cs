using System.Security.Cryptography;

namespace Eve.Appliance.Platform.Tpm;

/// <summary>TPMS_ECC_POINT: affine coordinates as big-endian byte strings.</summary>
internal sealed record TpmEccPoint(byte[] X, byte[] Y)
{
    public static TpmEccPoint Empty { get; } = new([], []);

    public static TpmEccPoint From(ECPoint p) => new(p.X ?? [], p.Y ?? []);

    public ECPoint ToECPoint() => new() { X = X, Y = Y };

    public void Write(ref TpmWriter w)
    {
        w.Sized(X);
        w.Sized(Y);
    }

    public static TpmEccPoint Read(ref TpmReader r) => new(r.SizedArray(), r.SizedArray());
}
