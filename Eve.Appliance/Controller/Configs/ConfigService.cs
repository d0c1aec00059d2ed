using System.Collections.Concurrent;
using System.Security.Cryptography;
using Eve.Appliance.Api.Envelope;
using Eve.Appliance.Controller.Pki;
using Eve.Appliance.Store;
using Google.Protobuf;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Controller.Configs;

/// <summary>
/// Each device's EdgeDevConfig: stored, versioned, hashed, and answered. The signed ConfigResponse
/// is built once per change and cached, so an unchanged-config poll is a string compare (304) and a
/// changed one is a cached byte array.
/// </summary>
internal sealed class ConfigService(ControllerStore store, ControllerPki pki, ControllerOptions options,
    Func<string, EdgeDevConfig, EdgeDevConfig>? sealSecrets = null)
{
    private readonly ConcurrentDictionary<string, Answer> _answers = new(StringComparer.Ordinal);
    private readonly Lock _writeLock = new();

    /// <summary>The config a device gets, its hash, and the signed ConfigResponse envelope.</summary>
    public sealed record Answer(string Hash, EdgeDevConfig Config, byte[] SignedResponse, int Version);

    public Answer Get(string deviceId) => _answers.GetOrAdd(deviceId, Build);

    /// <summary>Told of every config stored, inside the write lock and the store transaction, so the
    /// object model keeps each device's version history (Controller/Objects/ConfigHistory).</summary>
    public Objects.IConfigHistory? History { get; set; }

    /// <summary>The one lock of config and object-model writes (reentrant), so a raw `config set`
    /// and an object change never interleave on a device.</summary>
    public Lock WriteLock => _writeLock;

    /// <summary>Drops the cached answer; the next poll rebuilds it (after a transaction the caller
    /// rolled back or committed, or when the device reported a new ECDH cert so its secrets are sealed again).</summary>
    public void Invalidate(string deviceId) => _answers.TryRemove(deviceId, out _);

    /// <summary>Drops every cached answer (the controller's signing cert was rotated).</summary>
    public void InvalidateAll() => _answers.Clear();

    public ConfigDoc? Stored(string deviceId) => store.Configs.FindById(deviceId);

    /// <summary>Stores the default config for a new device (no-op when one exists).</summary>
    public void EnsureDefault(string deviceId)
    {
        lock (_writeLock)
        {
            if (store.Configs.FindById(deviceId) != null) return;
            var config = DefaultDeviceConfig.For(deviceId, options);
            var doc = new ConfigDoc { Id = deviceId, Config = config.ToByteArray(), Version = 1, UpdatedAt = DateTime.UtcNow, IsDefault = true };
            Transaction(deviceId, () =>
            {
                store.Configs.Insert(doc);
                History?.Stored(doc, config, Objects.ConfigChange.Default);
            });
        }
    }

    /// <summary>Validates and stores an operator's config; bumps the version (and so the hash).</summary>
    public Answer Set(string deviceId, EdgeDevConfig config, Objects.ConfigChange? change = null)
    {
        var problems = ConfigValidator.Validate(config, deviceId);
        if (problems.Count > 0)
            throw ApiError.BadRequest($"config for device {deviceId} is invalid:\n  - " + string.Join("\n  - ", problems));
        lock (_writeLock)
        {
            var doc = store.Configs.FindById(deviceId) ?? new ConfigDoc { Id = deviceId };
            var version = doc.Version + 1;
            config = config.Clone();
            config.Id ??= new UUIDandVersion();
            config.Id.Uuid = deviceId;
            config.Id.Version = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
            doc.Config = config.ToByteArray();
            doc.Version = version;
            doc.UpdatedAt = DateTime.UtcNow;
            doc.IsDefault = false;
            Transaction(deviceId, () =>
            {
                store.Configs.Upsert(doc);
                History?.Stored(doc, config, change ?? Objects.ConfigChange.Raw);
            });
        }
        return Get(deviceId);
    }

    /// <summary>Runs a write in a store transaction of its own, or in the caller's when one is open on
    /// this thread (the object model publishing many devices at once commits or rolls back them all).</summary>
    private void Transaction(string deviceId, Action write)
    {
        var own = store.BeginTransaction();
        try
        {
            write();
            if (own) store.Commit();
        }
        catch
        {
            if (own) store.Rollback();
            throw;
        }
        finally
        {
            _answers.TryRemove(deviceId, out _);
        }
    }

    public void Forget(string deviceId)
    {
        lock (_writeLock)
        {
            store.Configs.Delete(deviceId);
            _answers.TryRemove(deviceId, out _);
        }
    }

    private Answer Build(string deviceId)
    {
        var doc = store.Configs.FindById(deviceId) ?? throw ApiError.NotFound($"no config stored for device {deviceId}");
        var config = EdgeDevConfig.Parser.ParseFrom(doc.Config);
        // The cert hash goes in before hashing, so a signing-cert rollover changes the config hash and
        // devices refetch /certs (WIRE A.4).
        config.ControllercertConfighash = pki.CertsConfigHash;
        if (sealSecrets != null) config = sealSecrets(deviceId, config);
        var bytes = config.ToByteArray();
        var hash = HashOf(bytes);
        var response = new ConfigResponse { Config = config, ConfigHash = hash };
        var signed = AuthContainers.Seal(response, pki.Signer).ToByteArray();
        return new Answer(hash, config, signed, doc.Version);
    }

    /// <summary>base64url (with padding) of SHA-256 over the EdgeDevConfig bytes, as the vectors do.</summary>
    public static string HashOf(ReadOnlySpan<byte> configBytes) =>
        Convert.ToBase64String(SHA256.HashData(configBytes)).Replace('+', '-').Replace('/', '_');
}
