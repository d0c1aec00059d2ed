namespace Eve.Appliance.Agent;

/// <summary>Settings of the device agent (frozen after start).</summary>
internal sealed record AgentOptions
{
    /// <summary>EVE's /config: server, root-certificate.pem, onboard.cert.pem/key, device.cert.pem.</summary>
    public required string ConfigDir { get; init; }

    /// <summary>EVE's /persist: uuid, certs, config checkpoint, outbox, logs.</summary>
    public required string PersistDir { get; init; }

    /// <summary>Hardware serial sent at register; default: /sys/class/dmi/id/product_serial.</summary>
    public string? Serial { get; init; }

    /// <summary>Overrides https://server from /config/server (e.g. an upstream controller).</summary>
    public Uri? ControllerUrl { get; init; }

    /// <summary>Lower bound on the config poll interval, whatever the config says (tests and the
    /// local controller poll faster than EVE's 60 s).</summary>
    public TimeSpan? ConfigIntervalOverride { get; init; }

    public TimeSpan? MetricsIntervalOverride { get; init; }

    /// <summary>Where the device key lives: "auto" (the kernel TPM if there is one, else a software
    /// key), "none", "device:/dev/tpmrm0", or "swtpm:HOST:PORT".</summary>
    public string Tpm { get; init; } = "auto";

    /// <summary>How often queued info and logs are retried while the controller is away.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Upload pacing of the log spool (EVE loguploader: every 90 s, faster with a backlog,
    /// backing off while the controller is away).</summary>
    public Telemetry.Logs.LogUploadPacing LogUpload { get; init; } = new();

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Binds the controller client's connections (device connectivity: through the ports of
    /// the DPC in use, with its proxy); null: the host's own network.</summary>
    public Action<System.Net.Http.SocketsHttpHandler>? ControllerHandler { get; init; }

    /// <summary>The debug sshd run while debug.enable.ssh is set (binary, listen address and port).</summary>
    public DebugAccess.SshdSettings Sshd { get; init; } = new();

    public string EveVersion { get; init; } = typeof(AgentOptions).Assembly.GetName().Version?.ToString() ?? "0.0.0";
}
