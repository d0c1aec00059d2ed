using LiteDB;

namespace Eve.Appliance.Controller.Ops;

/// <summary>An operator account: role, password hash (may be empty: token-only) and the SHA-256
/// thumbprints of client certificates that log in as it.</summary>
public sealed class OperatorDoc
{
    [BsonId] public string Name { get; set; } = "";
    public string Role { get; set; } = Roles.Viewer;
    public string PasswordHash { get; set; } = "";
    public List<string> CertThumbprints { get; set; } = [];
    public DateTime CreatedAt { get; set; }
}
