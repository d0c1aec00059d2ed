namespace Eve.Appliance.Agent.ObjectCrypto;

/// <summary>A datastore's credentials after decryption; <see cref="Error"/> is set when the
/// encrypted block could not be opened (the values are then the clear-text fallback, maybe empty).</summary>
internal sealed record DatastoreSecret(string ApiKey, string Password, string? Error)
{
    public bool HasCredentials => ApiKey != "" || Password != "";

    public System.Net.NetworkCredential? ToCredential() => HasCredentials ? new System.Net.NetworkCredential(ApiKey, Password) : null;
}
