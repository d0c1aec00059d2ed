namespace Eve.Appliance.Platform.Tpm;

/// <summary>TPM_ST structure tags (Part 2 §6.9).</summary>
internal enum TpmSt : ushort
{
    NoSessions = 0x8001,
    Sessions = 0x8002,
    AttestQuote = 0x8018,
    HashCheck = 0x8024,
}
