namespace Eve.Appliance.Platform.Tpm;

/// <summary>The bytes exchanged with the TPM do not follow the protocol (short or oversized
/// response, wrong tag, unknown structure). Unlike <see cref="TpmException"/>, the TPM did not
/// report an error: the transport or our marshalling is at fault.</summary>
internal sealed class TpmProtocolException(string message, Exception? inner = null) : Exception(message, inner);
