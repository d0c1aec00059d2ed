namespace Eve.Appliance.Controller.Admin;

// What the operator API returns (JSON over the admin socket, and `ctl --json`).

internal sealed record DeviceSummary(string Id, string Name, string Serial, string SoftSerial, DateTime RegisteredAt,
    DateTime? LastSeenAt, int ConfigVersion, bool DefaultConfig, string CertHash);

internal sealed record OnboardSummary(string Id, string Subject, IReadOnlyList<string> Serials, DateTime AddedAt);

internal sealed record InfoItem(string Kind, string ObjectId, DateTime ReceivedAt, System.Text.Json.Nodes.JsonNode? Message);

internal sealed record MetricItem(DateTime At, System.Text.Json.Nodes.JsonNode? Message);

internal sealed record InfoHistoryItem(string Kind, string ObjectId, DateTime ReceivedAt, System.Text.Json.Nodes.JsonNode? Message);

/// <summary>One point of a device's series: the averages over <c>Count</c> samples in the bucket
/// starting at <c>At</c> (raw points have Count 1).</summary>
internal sealed record SeriesPoint(DateTime At, string Tier, int Count, IReadOnlyDictionary<string, double> Values);

internal sealed record LogItem(long Id, DateTime At, string AppId, string Severity, string Source, string Content);

internal sealed record ConfigItemView(int Version, string Hash, bool IsDefault, System.Text.Json.Nodes.JsonNode? Config);

internal sealed record StatusView(string Listen, int Devices, int OnboardingCerts, IReadOnlyDictionary<string, long> Counters, string Storage);

internal sealed record OnboardAddRequest(string CertPem, IReadOnlyList<string>? Serials);

internal sealed record DeviceAddRequest(string CertPem, string? Serial);
