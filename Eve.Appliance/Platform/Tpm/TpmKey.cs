namespace Eve.Appliance.Platform.Tpm;

/// <summary>A loaded object: its handle, public area and name (the TPM's hash of the public area).</summary>
internal sealed record TpmKey(uint Handle, TpmPublic Public, byte[] Name);
