using Eve.Appliance.Agent.ControllerConn;
using Eve.Appliance.Platform.Files;
using Microsoft.Extensions.Logging;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Agent.Config;

/// <summary>
/// EVE's zedagent config loop: POST /config with the last hash, apply a new config, checkpoint the
/// signed answer so a restart without the controller still has it, and poll again after
/// timer.config.interval with jitter (EVE waits between 0.3× and 1× the interval).
/// </summary>
internal sealed class ConfigPoller(DeviceSession session, ConfigHub hub, AgentOptions options, TimeProvider time, ILogger log)
{
    /// <summary>The integrity token from attestation (empty without a TPM), and how to attest
    /// again when the controller answers 403 (EVE: "integrity token mismatch, re-attest").</summary>
    public Func<ReadOnlyMemory<byte>> IntegrityToken { get; set; } = () => ReadOnlyMemory<byte>.Empty;
    public Func<CancellationToken, Task>? Reattest { get; set; }

    /// <summary>The loop heartbeats here (name "config") so the watchdog sees a hung poll.</summary>
    public Watchdog.HealthMonitor? Health { get; set; }

    private string CheckpointFile => Path.Combine(options.PersistDir, "checkpoint", "lastconfig");
    private string _hash = "";

    public DateTimeOffset? LastSuccess { get; private set; }
    public string? LastError { get; private set; }

    /// <summary>Applies the checkpointed config, if any and if it still verifies.</summary>
    public bool LoadCheckpoint()
    {
        if (!File.Exists(CheckpointFile)) return false;
        var payload = session.TryOpenOffline(File.ReadAllBytes(CheckpointFile));
        if (payload == null) return false;
        var resp = ConfigResponse.Parser.ParseFrom(payload);
        Apply(resp, "checkpoint");
        return true;
    }

    public async Task RunAsync(CancellationToken ct)
    {
        var random = new Random();
        // A poll may take a request timeout for the config and as much again to re-attest or re-check the UUID.
        using var beat = Health?.Register("config", Max(Health.Limit, options.RequestTimeout * 3));
        while (!ct.IsCancellationRequested)
        {
            beat?.Beat();
            await PollOnceAsync(ct).ConfigureAwait(false);
            beat?.Idle();
            await Task.Delay(NextDelay(random), time, ct).ConfigureAwait(false);
        }
    }

    public async Task PollOnceAsync(CancellationToken ct)
    {
        try
        {
            var result = await session.GetConfigAsync(_hash, IntegrityToken(), ct).ConfigureAwait(false);
            LastSuccess = time.GetUtcNow();
            LastError = null;
            if (result is not { } r)
            {
                if (_unsavedCheckpoint != null) SaveCheckpoint(_unsavedCheckpoint);
            }
            else if (r.Response.ConfigHash != _hash)
            {
                SaveCheckpoint(r.Envelope);
                Apply(r.Response, "controller");
            }
            // Also after a 304: a refused /certs is tried again at the next poll.
            await session.FollowCertsHashAsync(hub.Current?.Config.ControllercertConfighash ?? "", ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ControllerUnavailableException or ControllerRefusedException or ControllerTrustException)
        {
            LastError = e.Message;
            log.LogWarning("config poll failed, keeping the last config: {Reason}", e.Message);
            if (e is ControllerRefusedException { Status: 403 } && Reattest != null)
            {
                try { await Reattest(ct).ConfigureAwait(false); }
                catch (Exception inner) when (inner is ControllerUnavailableException or ControllerRefusedException or ControllerTrustException or Platform.Tpm.TpmException)
                {
                    log.LogWarning("re-attestation failed: {Reason}", inner.Message);
                }
            }
            if (e is ControllerRefusedException { Status: 404 or 400 })
            {
                // EVE's reading of 404 on /config: "device deleted in controller?" — check the UUID.
                try { await session.FetchUuidAsync(ct).ConfigureAwait(false); }
                catch (Exception inner) when (inner is ControllerUnavailableException or ControllerRefusedException or ControllerTrustException)
                {
                    log.LogWarning("uuid re-check failed: {Reason}", inner.Message);
                }
            }
        }
    }

    private byte[]? _unsavedCheckpoint;

    /// <summary>Writes the checkpoint (temp file + rename, so the previous one stays whole if this
    /// fails). A full disk does not stop the new config from applying: the device runs on it, and the
    /// checkpoint is written at the next poll that finds space.</summary>
    private void SaveCheckpoint(byte[] envelope)
    {
        try
        {
            AtomicFile.Write(CheckpointFile, envelope);
            if (_unsavedCheckpoint != null) log.LogInformation("config checkpoint saved again to {File}", CheckpointFile);
            _unsavedCheckpoint = null;
        }
        catch (IOException e)
        {
            if (_unsavedCheckpoint == null)
                log.LogError("config checkpoint not saved to {File}: {Reason}; running on the new config, but a restart before the disk has space again starts from the previous checkpoint", CheckpointFile, e.Message);
            _unsavedCheckpoint = envelope;
        }
    }

    private void Apply(ConfigResponse resp, string source)
    {
        _hash = resp.ConfigHash;
        var config = resp.Config ?? new EdgeDevConfig();
        if (config.Id != null && session.DeviceId != null && config.Id.Uuid != session.DeviceId)
            log.LogWarning("config names device {ConfigId} but this device is {DeviceId}", config.Id.Uuid, session.DeviceId);
        hub.Publish(new DesiredState(config, resp.ConfigHash, source, time.GetUtcNow()));
        log.LogInformation("applied config version {Version} (hash {Hash}) from {Source}", config.Id?.Version, resp.ConfigHash, source);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private TimeSpan NextDelay(Random random)
    {
        var seconds = hub.Current?.ItemInt("timer.config.interval", 60) ?? 60;
        var interval = TimeSpan.FromSeconds(Math.Max(1, seconds));
        if (options.ConfigIntervalOverride is { } cap && cap < interval) interval = cap;
        return interval * (0.3 + 0.7 * random.NextDouble());
    }
}
