// What the operator API takes and returns besides the objects themselves (as AdminModels.cs does for /admin).

namespace Eve.Appliance.Controller.Ops;

/// <summary>A device as the operator API lists it.</summary>
internal sealed record DeviceView(string Id, string Name, string Serial, DateTime RegisteredAt, DateTime? LastSeenAt,
    int ConfigVersion, string Mode, string? ModeReason, int Apps, int Profiles);

/// <summary>One config version of a device.</summary>
internal sealed record ConfigVersionView(int Version, string ContentHash, string Source, string Actor, DateTime At, System.Text.Json.Nodes.JsonNode? Config);

/// <summary>The answer of a config change: the version the device now gets and its served hash.</summary>
internal sealed record ConfigPublished(int Version, string Hash);

internal sealed record RevertRequest(int Version);

internal sealed record LoginRequest(string Name, string Password);

internal sealed record LoginAnswer(string Token, string Operator, string Role, DateTime ExpiresAt);

internal sealed record OperatorAddRequest(string Name, string Role, string? Password);

internal sealed record OperatorView(string Name, string Role, bool HasPassword, IReadOnlyList<string> CertThumbprints, DateTime CreatedAt);

internal sealed record CertAddRequest(string CertPem);

internal sealed record TokenRequest(string? Operator, string Name, string Role, double? LifetimeHours);

internal sealed record TokenAnswer(string Token, string Id, string Operator, string Role, DateTime? ExpiresAt);

internal sealed record TokenView(string Id, string Operator, string Role, string Name, string Kind, DateTime CreatedAt, DateTime? ExpiresAt);

internal sealed record DiffView(int From, int To, IReadOnlyList<DiffLine> Changes, string Text);

internal sealed record DiffLine(string Path, string Op, System.Text.Json.Nodes.JsonNode? Old, System.Text.Json.Nodes.JsonNode? New);
