namespace Eve.Appliance.Controller;

/// <summary>Settings of the embedded controller (frozen after start).</summary>
internal sealed record ControllerOptions
{
    public required string DataDir { get; init; }

    /// <summary>HTTPS listen address of the EVE device API, "ADDR:PORT" (port 0 = any free port).</summary>
    public string Listen { get; init; } = "127.0.0.1:8443";

    /// <summary>Name in the TLS server cert when the PKI is made on first start.</summary>
    public string ServerName { get; init; } = "localhost";

    /// <summary>Refuse /config without the integrity token issued by /attest (Adam's v2 default is on;
    /// ours is off so devices without a TPM work).</summary>
    public bool EnforceIntegrityToken { get; init; }

    /// <summary>Default config poll interval handed to new devices (EVE's timer.config.interval).</summary>
    public int DefaultConfigIntervalSeconds { get; init; } = 60;

    /// <summary>Extra config items every new device's default config carries.</summary>
    public IReadOnlyDictionary<string, string> DefaultConfigItems { get; init; } = new Dictionary<string, string>();

    /// <summary>Optional TCP+TLS listener of the operator API, "ADDR:PORT" (null = only the admin socket).</summary>
    public string? OpsListen { get; init; }

    /// <summary>Optional plain-HTTP listener of EVE's Local Profile Server API, "ADDR:PORT" (EVE's default port is 8888).</summary>
    public string? LocalProfileListen { get; init; }

    /// <summary>Print the first start's operator credentials on stderr (off in tests, which read
    /// them from OpsModule.FirstStart).</summary>
    public bool ShowFirstStartCredentials { get; init; } = true;

    public Store.StoreLimits StoreLimits { get; init; } = new();
}
