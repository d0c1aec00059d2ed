namespace Eve.Appliance.Platform.Tpm;

/// <summary>TPM_CC command codes (TCG TPM 2.0 Part 2 §6.5) for the commands this client sends.</summary>
internal enum TpmCc : uint
{
    NvUndefineSpace = 0x122,
    EvictControl = 0x120,
    NvDefineSpace = 0x12A,
    CreatePrimary = 0x131,
    NvWrite = 0x137,
    Startup = 0x144,
    Shutdown = 0x145,
    NvRead = 0x14E,
    Create = 0x153,
    EcdhZGen = 0x154,
    Load = 0x157,
    Quote = 0x158,
    Sign = 0x15D,
    FlushContext = 0x165,
    NvReadPublic = 0x169,
    ReadPublic = 0x173,
    GetCapability = 0x17A,
    GetRandom = 0x17B,
    PcrRead = 0x17E,
    PcrExtend = 0x182,
}
