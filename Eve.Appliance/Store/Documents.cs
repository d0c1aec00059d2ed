using LiteDB;

namespace Eve.Appliance.Store;

// LiteDB documents: the store's own DTOs, separate from protobuf types (STYLE §3.1).
// SCHEMA.md beside this file draws the collections.

/// <summary>A registered device. Identity is its certificate; the UUID is ours to allocate.</summary>
public sealed class DeviceDoc
{
    [BsonId] public string Id { get; set; } = "";
    public string CertHashHex { get; set; } = "";
    public string CertPem { get; set; } = "";
    public string Serial { get; set; } = "";
    public string SoftSerial { get; set; } = "";
    public string OnboardCertHashHex { get; set; } = "";
    public DateTime RegisteredAt { get; set; }
    public DateTime LastSeenAt { get; set; }
    public string Name { get; set; } = "";
    /// <summary>Issued by /attest on a quote; config requests must carry it when enforcement is on.</summary>
    public byte[]? IntegrityToken { get; set; }
    public byte[]? PendingNonce { get; set; }
    /// <summary>PEM of the TPM attestation key's cert (DEVICE_RESTRICTED_SIGNING), issued by the device cert.</summary>
    public string? AttestationCertPem { get; set; }
    /// <summary>PEM of the device's ECDH-exchange cert, exactly as reported; secrets are encrypted for it.</summary>
    public string? EcdhCertPem { get; set; }
}

/// <summary>An onboarding certificate and the serials it may register ("*" = any).</summary>
public sealed class OnboardDoc
{
    [BsonId] public string Id { get; set; } = "";
    public string CertPem { get; set; } = "";
    public List<string> Serials { get; set; } = [];
    public DateTime AddedAt { get; set; }
}

/// <summary>The operator's EdgeDevConfig for one device, as protobuf bytes, and its version.</summary>
public sealed class ConfigDoc
{
    [BsonId] public string Id { get; set; } = "";
    public byte[] Config { get; set; } = [];
    public string Hash { get; set; } = "";
    public int Version { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>True until an operator sets a config: the device runs on the default one.</summary>
    public bool IsDefault { get; set; }
}

/// <summary>The latest info message per device and object (ztype + object id).</summary>
public sealed class InfoDoc
{
    [BsonId] public string Id { get; set; } = "";
    public string DeviceId { get; set; } = "";
    public string Kind { get; set; } = "";
    public string ObjectId { get; set; } = "";
    public byte[] Message { get; set; } = [];
    public DateTime ReceivedAt { get; set; }
}

/// <summary>One metrics message; capped per device.</summary>
public sealed class MetricDoc
{
    [BsonId] public ObjectId Id { get; set; } = ObjectId.Empty;
    public string DeviceId { get; set; } = "";
    public DateTime At { get; set; }
    public byte[] Message { get; set; } = [];
}

/// <summary>One log line (device or app); capped per device.</summary>
public sealed class LogDoc
{
    [BsonId] public long Id { get; set; }
    public string DeviceId { get; set; } = "";
    public string AppId { get; set; } = "";
    public DateTime At { get; set; }
    public string Severity { get; set; } = "";
    public string Source { get; set; } = "";
    public string Content { get; set; } = "";
    public ulong MsgId { get; set; }
}

/// <summary>A newlogs chunk already stored (_id = "&lt;device&gt;/&lt;spool id&gt;/&lt;chunk id, 20 digits&gt;"), so
/// a chunk the device re-sends after a crash between our 201 and its bookkeeping is not stored twice.
/// Written in the same transaction as the chunk's lines; the newest few per device are kept.</summary>
public sealed class LogChunkDoc
{
    [BsonId] public string Id { get; set; } = "";
    public string DeviceId { get; set; } = "";
    public DateTime At { get; set; }
}

/// <summary>An earlier version of one info object (same key as <see cref="InfoDoc"/>); the last
/// <see cref="StoreLimits.InfoHistoryPerObject"/> changes per object are kept.</summary>
public sealed class InfoHistoryDoc
{
    [BsonId] public long Id { get; set; }
    /// <summary>"&lt;device&gt;/&lt;ztype&gt;/&lt;object&gt;", the <see cref="InfoDoc"/> id.</summary>
    public string Key { get; set; } = "";
    public string DeviceId { get; set; } = "";
    public string Kind { get; set; } = "";
    public string ObjectId { get; set; } = "";
    public byte[] Message { get; set; } = [];
    public DateTime ReceivedAt { get; set; }
}

/// <summary>
/// One point of a device's numeric series in one tier (raw, minute, hour). The id
/// "&lt;device&gt;/&lt;tier&gt;/&lt;bucket start ticks, 19 digits&gt;" sorts by time, so ranges and
/// expiry are seeks on the _id index. Values are sums over <see cref="Count"/> samples so a rollup
/// is updated in place on ingest; the average is Sums[i] / Counts[i]. Names and sums are parallel
/// lists, not a map, because series names hold '.' and '/' (mount paths), which LiteDB field
/// paths do not allow.
/// </summary>
public sealed class MetricPointDoc
{
    [BsonId] public string Id { get; set; } = "";
    public string DeviceId { get; set; } = "";
    public string Tier { get; set; } = "";
    public DateTime At { get; set; }
    public int Count { get; set; }
    public List<string> Names { get; set; } = [];
    public List<double> Sums { get; set; } = [];
    /// <summary>Samples per name (a name may be missing from some messages).</summary>
    public List<int> Counts { get; set; } = [];
}
