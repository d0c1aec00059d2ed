using System.Security.Cryptography;

namespace Eve.Appliance.Api.Cipher;

/// <summary>
/// EVE's object-level encryption (CipherContext/CipherBlock, pkg/pillar/cipher + evetpm): the AES
/// key is SHA-256 over X‖Y of the ECDH shared point, each coordinate left-padded to the curve size
/// (32 bytes for P-256); the data is AES-256 in CFB mode with 128-bit feedback (Go's
/// cipher.NewCFBEncrypter, a stream: no padding, any length); the block carries the IV and the
/// SHA-256 of the clear text, which the receiver checks after decrypting.
/// </summary>
internal static class EveObjectCipher
{
    public const int KeySize = 32;
    public const int IvSize = 16;
    private const int CoordinateSize = 32;

    public static byte[] DeriveKey(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y)
    {
        Span<byte> point = stackalloc byte[2 * CoordinateSize];
        LeftPad(x, point[..CoordinateSize]);
        LeftPad(y, point[CoordinateSize..]);
        return SHA256.HashData(point);
    }

    public static byte[] Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> clear) => Cfb(key, iv, clear, encrypt: true);

    public static byte[] Decrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> cipher) => Cfb(key, iv, cipher, encrypt: false);

    /// <summary>A synthetic IV: the first 16 bytes of HMAC-SHA256(key, label ‖ clear text). The
    /// same secret for the same object gives the same block, so a controller restart does not change
    /// every device's config hash; a different clear text or object gives a different IV, which is
    /// what CFB needs (an IV is never reused for two different messages under one key).</summary>
    public static byte[] SyntheticIv(ReadOnlySpan<byte> key, string label, ReadOnlySpan<byte> clear)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(System.Text.Encoding.UTF8.GetBytes(label));
        hmac.AppendData([0]);
        hmac.AppendData(clear);
        return hmac.GetHashAndReset()[..IvSize];
    }

    /// <summary>.NET's CFB needs whole blocks with PaddingMode.None; CFB output byte i depends only
    /// on earlier cipher text, so zero-filling the last block and cutting the result back is exact.</summary>
    private static byte[] Cfb(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> input, bool encrypt)
    {
        if (key.Length != KeySize) throw new CryptographicException($"AES-256 needs a {KeySize}-byte key, got {key.Length}");
        if (iv.Length != IvSize) throw new CryptographicException($"AES-CFB needs a {IvSize}-byte initial value, got {iv.Length}");
        using var aes = Aes.Create();
        aes.Key = key.ToArray();
        var padded = new byte[(input.Length + IvSize - 1) / IvSize * IvSize];
        input.CopyTo(padded);
        var output = encrypt
            ? aes.EncryptCfb(padded, iv, PaddingMode.None, feedbackSizeInBits: 128)
            : aes.DecryptCfb(padded, iv, PaddingMode.None, feedbackSizeInBits: 128);
        return output[..input.Length];
    }

    private static void LeftPad(ReadOnlySpan<byte> value, Span<byte> into)
    {
        var v = value.TrimStart((byte)0);
        if (v.Length > into.Length) throw new CryptographicException($"ECDH coordinate has {v.Length} bytes; a P-256 coordinate has at most {into.Length}");
        into.Clear();
        v.CopyTo(into[(into.Length - v.Length)..]);
    }
}
