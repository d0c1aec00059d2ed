namespace Eve.Appliance.Controller.Ops;

/// <summary>One line of the audit log: who did what to which object, and how it ended (the HTTP
/// status: 2xx done, 400 refused as invalid, 401/403 refused access).</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public string Actor { get; set; } = "";
    public string Role { get; set; } = "";
    public string Via { get; set; } = "";
    /// <summary>create, update, delete, assign, revert, config-set, login, token-create, denied…</summary>
    public string Action { get; set; } = "";
    public string Kind { get; set; } = "";
    public string ObjectId { get; set; } = "";
    public string ObjectName { get; set; } = "";
    public int Status { get; set; }
    public string Detail { get; set; } = "";
}
