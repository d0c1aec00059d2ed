namespace Eve.Appliance.Controller.Objects.Model;

/// <summary>An external datastore (the built-in one needs no object). Credentials are kept as
/// given and sent in the config as EVE's cleartext apiKey/password (no CipherBlock yet).</summary>
public sealed class DatastoreObject : OpsObject
{
    /// <summary>http, https or container-registry.</summary>
    public string Type { get; set; } = "https";
    public string Fqdn { get; set; } = "";
    public string Path { get; set; } = "";
    public string? ApiKey { get; set; }
    public string? Password { get; set; }
    public string? CaCertPem { get; set; }
}
