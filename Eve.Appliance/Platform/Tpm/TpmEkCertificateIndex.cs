namespace Eve.Appliance.Platform.Tpm;

/// <summary>NV indices where manufacturers (and swtpm_setup) store EK certificates: TCG EK
/// Credential Profile 2.0 §2.2.1.4 (low range) and the high range for H-templates.</summary>
internal static class TpmEkCertificateIndex
{
    public const uint RsaLow = 0x01C00002;
    public const uint EccP256Low = 0x01C0000A;
    public const uint RsaHigh2048 = 0x01C00012;
    public const uint EccP256High = 0x01C00014;
    public const uint EccP384High = 0x01C00016;

    /// <summary>Ours first: the ECC P-256 EK matches the appliance's curve; RSA last.</summary>
    public static readonly uint[] SearchOrder = [EccP256Low, EccP256High, EccP384High, RsaLow, RsaHigh2048];

    public static string Describe(uint index) => index switch
    {
        RsaLow => "RSA 2048 EK certificate",
        EccP256Low => "ECC P-256 EK certificate",
        RsaHigh2048 => "RSA 2048 EK certificate (high range)",
        EccP256High => "ECC P-256 EK certificate (high range)",
        EccP384High => "ECC P-384 EK certificate (high range)",
        _ => $"NV index {TpmHandle.Format(index)}",
    };
}
