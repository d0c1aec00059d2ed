using System.Numerics;
using System.Security.Cryptography;

namespace Eve.Appliance.Api.Cipher;

/// <summary>
/// ECDH on P-256 returning the whole shared point d·Q (X and Y), which EVE's key derivation hashes.
/// .NET's ECDiffieHellman only returns X, so Y is recovered: it is one of the two square roots of
/// x³ − 3x + b, and a second agreement with Q + G (= d·Q + D, D the own public key) tells which.
/// The secret scalar stays inside .NET's implementation; only public-point arithmetic is done here.
/// </summary>
internal static class P256SharedPoint
{
    private static readonly Curve P256 = Curve.Load();

    public static (byte[] X, byte[] Y) Derive(ECDiffieHellman own, ECParameters peerPublic)
    {
        var q = (X: P256.Int(peerPublic.Q.X!), Y: P256.Int(peerPublic.Q.Y!));
        var d = own.ExportParameters(false).Q;
        var ownPoint = (X: P256.Int(d.X!), Y: P256.Int(d.Y!));
        var x = P256.Int(Agree(own, q));
        var xOfSumCheck = P256.Int(Agree(own, P256.Add(q, P256.G)));

        var rhs = BigInteger.ModPow(x, 3, P256.P) - 3 * x + P256.B;
        var y = BigInteger.ModPow(P256.Mod(rhs), (P256.P + 1) / 4, P256.P); // p ≡ 3 (mod 4)
        if (BigInteger.ModPow(y, 2, P256.P) != P256.Mod(rhs))
            throw new CryptographicException("ECDH result is not on P-256 (peer key invalid?)");
        if (P256.Add((x, y), ownPoint).X != xOfSumCheck) y = P256.P - y;
        return (P256.Bytes(x), P256.Bytes(y));
    }

    private static byte[] Agree(ECDiffieHellman own, (BigInteger X, BigInteger Y) peer)
    {
        using var other = ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = P256.Bytes(peer.X), Y = P256.Bytes(peer.Y) },
        });
        return own.DeriveRawSecretAgreement(other.PublicKey);
    }

    private sealed record Curve(BigInteger P, BigInteger A, BigInteger B, (BigInteger X, BigInteger Y) G)
    {
        public static Curve Load()
        {
            // The curve's own parameters, so no constant is typed by hand.
            using var k = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
            var e = k.ExportExplicitParameters(false).Curve;
            static BigInteger I(byte[] b) => new(b, isUnsigned: true, isBigEndian: true);
            return new Curve(I(e.Prime!), I(e.A!), I(e.B!), (I(e.G.X!), I(e.G.Y!)));
        }

        public BigInteger Int(byte[] b) => new(b, isUnsigned: true, isBigEndian: true);

        public BigInteger Mod(BigInteger v) => ((v % P) + P) % P;

        public byte[] Bytes(BigInteger v)
        {
            var raw = v.ToByteArray(isUnsigned: true, isBigEndian: true);
            var out32 = new byte[32];
            raw.CopyTo(out32, 32 - raw.Length);
            return out32;
        }

        /// <summary>Affine point addition (doubling when both are equal); the point at infinity
        /// cannot arise for real keys and is refused.</summary>
        public (BigInteger X, BigInteger Y) Add((BigInteger X, BigInteger Y) a, (BigInteger X, BigInteger Y) b)
        {
            BigInteger slope;
            if (a.X == b.X)
            {
                if (Mod(a.Y + b.Y) == 0) throw new CryptographicException("degenerate ECDH input (point at infinity)");
                slope = Mod((3 * a.X * a.X + A) * BigInteger.ModPow(Mod(2 * a.Y), P - 2, P));
            }
            else
            {
                slope = Mod((b.Y - a.Y) * BigInteger.ModPow(Mod(b.X - a.X), P - 2, P));
            }
            var x = Mod(slope * slope - a.X - b.X);
            return (x, Mod(slope * (a.X - x) - a.Y));
        }
    }
}
