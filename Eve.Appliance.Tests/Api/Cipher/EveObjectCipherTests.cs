using System.Security.Cryptography;
using Eve.Appliance.Api.Cipher;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;

namespace Eve.Appliance.Tests.Api.Cipher;

/// <summary>EVE's object-cipher primitives against an independent implementation (BouncyCastle):
/// the whole ECDH point d·Q, AES-256-CFB128 on lengths that are not whole blocks, and the KDF.</summary>
[TestFixture]
public sealed class EveObjectCipherTests
{
    [Test]
    public void SharedPoint_EqualsScalarMultiplicationDoneByBouncyCastle([Range(1, 12)] int round)
    {
        using var own = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        using var peer = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var q = peer.ExportParameters(false);

        var (x, y) = P256SharedPoint.Derive(own, q);

        var curve = ECNamedCurveTable.GetByName("P-256");
        var peerPoint = curve.Curve.CreatePoint(new BigInteger(1, q.Q.X), new BigInteger(1, q.Q.Y));
        var expected = peerPoint.Multiply(new BigInteger(1, own.ExportParameters(true).D)).Normalize();
        Assert.That(x, Is.EqualTo(expected.AffineXCoord.GetEncoded()), $"round {round}: X");
        Assert.That(y, Is.EqualTo(expected.AffineYCoord.GetEncoded()), $"round {round}: Y (the recovered root must be the right one of the two)");
    }

    [Test]
    public void SharedPoint_IsTheSameFromBothSides()
    {
        using var a = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        using var b = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var ab = P256SharedPoint.Derive(a, b.ExportParameters(false));
        var ba = P256SharedPoint.Derive(b, a.ExportParameters(false));
        Assert.That(ab.X, Is.EqualTo(ba.X));
        Assert.That(ab.Y, Is.EqualTo(ba.Y));
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(15)]
    [TestCase(16)]
    [TestCase(17)]
    [TestCase(333)]
    public void Cfb_MatchesBouncyCastleCfb128_AndRoundTrips(int length)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var iv = RandomNumberGenerator.GetBytes(16);
        var clear = RandomNumberGenerator.GetBytes(length);

        var cipher = EveObjectCipher.Encrypt(key, iv, clear);

        var reference = new BufferedBlockCipherStream(key, iv).Process(clear);
        Assert.That(cipher, Is.EqualTo(reference), "AES-256-CFB with 128-bit feedback, as Go's cipher.NewCFBEncrypter");
        Assert.That(EveObjectCipher.Decrypt(key, iv, cipher), Is.EqualTo(clear));
    }

    [Test]
    public void DeriveKey_IsSha256OfPaddedXAndY()
    {
        var x = new byte[31];
        x[^1] = 7; // a coordinate that lost its leading zero must be padded back to 32 bytes
        var y = RandomNumberGenerator.GetBytes(32);
        var expected = SHA256.HashData([0, .. x, .. y]);
        Assert.That(EveObjectCipher.DeriveKey(x, y), Is.EqualTo(expected));
    }

    [Test]
    public void SyntheticIv_DiffersPerObjectAndPerClearText_AndIsStable()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var a = EveObjectCipher.SyntheticIv(key, "app/1", "secret"u8);
        Assert.That(EveObjectCipher.SyntheticIv(key, "app/1", "secret"u8), Is.EqualTo(a));
        Assert.That(EveObjectCipher.SyntheticIv(key, "app/2", "secret"u8), Is.Not.EqualTo(a));
        Assert.That(EveObjectCipher.SyntheticIv(key, "app/1", "secreT"u8), Is.Not.EqualTo(a));
    }

    /// <summary>Textbook CFB-128 over BouncyCastle's AES block function: each keystream block is
    /// AES(previous cipher block, the IV first); a last partial block uses a prefix of it.</summary>
    private sealed class BufferedBlockCipherStream(byte[] key, byte[] iv)
    {
        public byte[] Process(byte[] input)
        {
            var aes = new AesEngine();
            aes.Init(true, new KeyParameter(key));
            var feedback = iv.ToArray();
            var keystream = new byte[16];
            var output = new byte[input.Length];
            for (var at = 0; at < input.Length; at += 16)
            {
                aes.ProcessBlock(feedback, 0, keystream, 0);
                var n = Math.Min(16, input.Length - at);
                for (var i = 0; i < n; i++) output[at + i] = (byte)(input[at + i] ^ keystream[i]);
                if (n == 16) Array.Copy(output, at, feedback, 0, 16);
            }
            return output;
        }
    }
}
