namespace Eve.Appliance.Platform.Tpm;

/// <summary>TPM_PT property tags (Part 2 §6.13) we read.</summary>
internal static class TpmProperty
{
    public const uint FamilyIndicator = 0x100;
    public const uint Manufacturer = 0x105;
    public const uint FirmwareVersion1 = 0x10B;
    /// <summary>Minimum number of transient object slots the TPM guarantees (3 on swtpm).</summary>
    public const uint HrTransientMin = 0x10E;
    public const uint NvBufferMax = 0x12C;
}
