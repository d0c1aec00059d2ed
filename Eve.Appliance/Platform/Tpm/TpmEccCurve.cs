namespace Eve.Appliance.Platform.Tpm;

/// <summary>TPM_ECC_CURVE (Part 2 §6.4).</summary>
internal enum TpmEccCurve : ushort
{
    None = 0x0000,
    NistP256 = 0x0003,
    NistP384 = 0x0004,
}
