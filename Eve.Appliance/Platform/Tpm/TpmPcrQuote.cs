namespace Eve.Appliance.Platform.Tpm;

/// <summary>What the device sends the verifier: the quote (signed TPMS_ATTEST) and the PCR values
/// it read just before, from which the verifier recomputes the quoted PCR digest.</summary>
internal sealed record TpmPcrQuote(TpmQuote Quote, TpmPcrSelection Selection, IReadOnlyDictionary<int, byte[]> PcrValues);
