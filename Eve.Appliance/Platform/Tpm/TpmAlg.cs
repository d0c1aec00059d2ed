namespace Eve.Appliance.Platform.Tpm;

/// <summary>TPM_ALG_ID values (Part 2 §6.3) used by this client.</summary>
internal enum TpmAlg : ushort
{
    Error = 0x0000,
    Rsa = 0x0001,
    Sha1 = 0x0004,
    Hmac = 0x0005,
    Aes = 0x0006,
    KeyedHash = 0x0008,
    Sha256 = 0x000B,
    Sha384 = 0x000C,
    Sha512 = 0x000D,
    Null = 0x0010,
    RsaSsa = 0x0014,
    Ecdsa = 0x0018,
    Ecdh = 0x0019,
    SymCipher = 0x0025,
    Ecc = 0x0023,
    Cfb = 0x0043,
}
