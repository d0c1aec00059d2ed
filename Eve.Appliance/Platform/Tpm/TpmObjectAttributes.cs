namespace Eve.Appliance.Platform.Tpm;

/// <summary>TPMA_OBJECT bits (Part 2 §8.3).</summary>
[Flags]
internal enum TpmObjectAttributes : uint
{
    None = 0,
    FixedTpm = 1 << 1,
    StClear = 1 << 2,
    FixedParent = 1 << 4,
    SensitiveDataOrigin = 1 << 5,
    UserWithAuth = 1 << 6,
    AdminWithPolicy = 1 << 7,
    NoDa = 1 << 10,
    EncryptedDuplication = 1 << 11,
    Restricted = 1 << 16,
    Decrypt = 1 << 17,
    Sign = 1 << 18,
}
