namespace Eve.Appliance.Agent.ObjectCrypto;

/// <summary>An app's user data (base64 cloud-init) after decryption; <see cref="Error"/> is set when
/// the encrypted block could not be opened (the value is then the clear-text fallback, maybe empty).</summary>
internal sealed record UserDataSecret(string UserData, string? Error);
