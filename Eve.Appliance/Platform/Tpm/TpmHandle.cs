namespace Eve.Appliance.Platform.Tpm;

/// <summary>Reserved handles (TPM_RH, TPM_RS, Part 2 §7.4) and handle ranges (TPM_HT, §7.2).</summary>
internal static class TpmHandle
{
    public const uint Owner = 0x40000001;
    public const uint Null = 0x40000007;
    public const uint PasswordSession = 0x40000009;
    public const uint Lockout = 0x4000000A;
    public const uint Endorsement = 0x4000000B;
    public const uint Platform = 0x4000000C;

    public const uint NvIndexFirst = 0x01000000;
    public const uint TransientFirst = 0x80000000;
    public const uint PersistentFirst = 0x81000000;

    public static bool IsTransient(uint handle) => handle >> 24 == 0x80;
    public static bool IsPersistent(uint handle) => handle >> 24 == 0x81;

    public static string Format(uint handle) => $"0x{handle:x8}";
}
