namespace Eve.Appliance.Platform.Tpm;

/// <summary>Decodes a TPM_RC into words (Part 2 §6.6.2, figure "Format-Zero/Format-One Response
/// Codes"): the TPM_RC_* name, what it means, which handle/parameter/session it is about, and what
/// to do where we know.</summary>
internal readonly record struct TpmResponseCode(uint Value)
{
    private const uint FormatOneBit = 0x080;
    private const uint ParameterBit = 0x040;
    private const uint SessionBit = 0x800;
    private const uint Ver1Bit = 0x100;
    private const uint VendorBit = 0x400;

    /// <summary>Bits 16-23: which software layer produced the code (0 = the TPM itself; 11 = the
    /// kernel's resource manager /dev/tpmrm0 in tpm2-tss numbering).</summary>
    public uint Layer => (Value >> 16) & 0xFF;

    private uint Code => Value & 0xFFFF;

    public bool IsFormatOne => (Code & FormatOneBit) != 0;

    /// <summary>The code with the handle/parameter/session number removed, as in the spec tables.</summary>
    public uint BaseCode => IsFormatOne ? (Code & 0x3F) | FormatOneBit : Code;

    /// <summary>"parameter 1", "handle 2", "session 1", or null when the code is not about one.</summary>
    public string? Location
    {
        get
        {
            if (!IsFormatOne) return null;
            var n = (Code >> 8) & 0xF;
            if ((Code & ParameterBit) != 0) return $"parameter {n}";
            if (n == 0) return null;
            return (Code & SessionBit) != 0 ? $"session {n & 0x7}" : $"handle {n}";
        }
    }

    public string Name =>
        TpmResponseCodeTable.Codes.TryGetValue(BaseCode, out var e) ? e.Name
        : !IsFormatOne && (Code & Ver1Bit) == 0 && Code != 0 ? "TPM 1.2 response code"
        : !IsFormatOne && (Code & VendorBit) != 0 ? "vendor-defined response code"
        : "unknown response code";

    public string Meaning =>
        TpmResponseCodeTable.Codes.TryGetValue(BaseCode, out var e) ? e.Meaning
        : "not listed in TPM 2.0 Part 2 §6.6";

    public string? Advice => TpmResponseCodeTable.Codes.TryGetValue(BaseCode, out var e) ? e.Advice : null;

    /// <summary>"TPM_RC_OBJECT_MEMORY (0x902): out of memory for object contexts; flush transient objects".</summary>
    public string Describe()
    {
        var where = Location is { } l ? $" on {l}" : "";
        var layer = Layer != 0 ? $" from software layer {Layer}" : "";
        var advice = Advice is { } a ? $"; {a}" : "";
        return $"{Name} (0x{Value:x}){where}{layer}: {Meaning}{advice}";
    }

    public override string ToString() => Describe();
}
