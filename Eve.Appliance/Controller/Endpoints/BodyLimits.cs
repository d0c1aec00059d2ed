namespace Eve.Appliance.Controller.Endpoints;

/// <summary>Largest request bodies the device API accepts (larger → 413). Documented in README.</summary>
internal static class BodyLimits
{
    /// <summary>register, uuid, certs, config, attest: small control messages.</summary>
    public const int Control = 64 * 1024;

    /// <summary>info, metrics, flowlog, hardwarehealth.</summary>
    public const int Telemetry = 4 * 1024 * 1024;

    /// <summary>logs and newlogs (gzip); EVE's chunks are at most 50 KB, so this is generous.</summary>
    public const int Logs = 8 * 1024 * 1024;

    /// <summary>Decompressed newlogs: a cap against gzip bombs.</summary>
    public const int LogsDecompressed = 64 * 1024 * 1024;
}
