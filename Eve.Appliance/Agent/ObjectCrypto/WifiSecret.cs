namespace Eve.Appliance.Agent.ObjectCrypto;

/// <summary>A Wi-Fi network's credentials after decryption; <see cref="Error"/> as for the others.</summary>
internal sealed record WifiSecret(string UserName, string Password, string? Error);
