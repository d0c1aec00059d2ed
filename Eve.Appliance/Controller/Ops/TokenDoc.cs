using LiteDB;

namespace Eve.Appliance.Controller.Ops;

/// <summary>A bearer token: "eva_&lt;id&gt;_&lt;secret&gt;"; only the secret's hash is stored. A token's role
/// is at most its operator's. Kind api = made by an admin, session = from a password login.</summary>
public sealed class TokenDoc
{
    [BsonId] public string Id { get; set; } = "";
    public string Operator { get; set; } = "";
    public string Role { get; set; } = Roles.Viewer;
    public string Name { get; set; } = "";
    public string Kind { get; set; } = "api";
    public string SecretHash { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime? ExpiresAt { get; set; }
}
