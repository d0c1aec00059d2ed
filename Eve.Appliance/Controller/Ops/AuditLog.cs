using Eve.Appliance.Store;
using LiteDB;

namespace Eve.Appliance.Controller.Ops;

/// <summary>The stored audit log. Changes write their entry inside their own transaction, so an
/// entry exists exactly when the change does; refusals are written on their own.</summary>
internal sealed class AuditLog(ControllerStore store, TimeProvider time)
{
    private readonly ILiteCollection<AuditEntry> _entries = store.Collection<AuditEntry>("audit");

    public void Record(OperatorIdentity who, string action, string kind, string objectId, string objectName, int status, string detail = "")
    {
        _entries.Insert(new AuditEntry
        {
            At = time.GetUtcNow().UtcDateTime,
            Actor = who.Name,
            Role = who.Role,
            Via = who.Via,
            Action = action,
            Kind = kind,
            ObjectId = objectId,
            ObjectName = objectName,
            Status = status,
            Detail = detail.Length > 2000 ? detail[..2000] : detail,
        });
    }

    /// <summary>Newest first, filtered by actor, kind, object (id or name) and time.</summary>
    public IEnumerable<AuditEntry> Query(string? actor, string? kind, string? objectIdOrName, DateTime? since)
    {
        var q = _entries.Query();
        if (since is { } from) q = q.Where(e => e.At >= from);
        return q.OrderByDescending(e => e.Id).ToEnumerable()
            .Where(e => actor == null || e.Actor == actor)
            .Where(e => kind == null || e.Kind == kind)
            .Where(e => objectIdOrName == null || e.ObjectId == objectIdOrName || e.ObjectName == objectIdOrName);
    }
}
