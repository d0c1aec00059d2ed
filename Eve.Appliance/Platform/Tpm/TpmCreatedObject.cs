namespace Eve.Appliance.Platform.Tpm;

/// <summary>TPM2_Create output: the private blob (encrypted under the parent, safe to store) and the
/// public area, both needed by TPM2_Load.</summary>
internal sealed record TpmCreatedObject(byte[] PrivateBlob, byte[] PublicArea, TpmPublic Public);
