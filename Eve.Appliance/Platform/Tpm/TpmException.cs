namespace Eve.Appliance.Platform.Tpm;

/// <summary>The TPM refused a command. The message names the command and decodes the response
/// code: "TPM2_Load failed: TPM_RC_OBJECT_MEMORY (0x902): out of memory for object contexts; flush
/// transient objects".</summary>
internal sealed class TpmException : Exception
{
    public TpmException(TpmCc command, uint responseCode, string? context = null)
        : base($"TPM2_{CommandName(command)} failed{(context is null ? "" : $" ({context})")}: {new TpmResponseCode(responseCode).Describe()}")
    {
        Command = command;
        ResponseCode = new TpmResponseCode(responseCode);
    }

    public TpmCc Command { get; }
    public TpmResponseCode ResponseCode { get; }

    /// <summary>The spec name of the code without the handle/parameter/session number,
    /// e.g. "TPM_RC_HANDLE", for callers that branch on it.</summary>
    public string RcName => ResponseCode.Name;

    /// <summary>Part 3 spells command names with underscores in places (PCR_Read, NV_Write, ECDH_ZGen).</summary>
    public static string CommandName(TpmCc cc) => cc switch
    {
        TpmCc.PcrRead => "PCR_Read",
        TpmCc.PcrExtend => "PCR_Extend",
        TpmCc.NvDefineSpace => "NV_DefineSpace",
        TpmCc.NvUndefineSpace => "NV_UndefineSpace",
        TpmCc.NvRead => "NV_Read",
        TpmCc.NvWrite => "NV_Write",
        TpmCc.NvReadPublic => "NV_ReadPublic",
        TpmCc.EcdhZGen => "ECDH_ZGen",
        _ => cc.ToString(),
    };
}
