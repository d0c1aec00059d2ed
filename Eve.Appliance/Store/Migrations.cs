using LiteDB;

namespace Eve.Appliance.Store;

/// <summary>
/// Ordered schema migrations, recorded in LiteDB's user_version. Each step must be idempotent and
/// have a test (STYLE §3.6). A store newer than this binary is refused rather than damaged.
/// </summary>
internal static class Migrations
{
    /// <summary>One LiteDB collection per object kind; names are unique within a kind.</summary>
    public static readonly string[] ObjectCollections =
        ["obj_images", "obj_datastores", "obj_apps", "obj_networks", "obj_volumes", "obj_ports", "obj_configitems", "obj_baseos", "obj_profiles"];

    private static readonly (int Version, string What, Action<LiteDatabase> Apply)[] Steps =
    [
        (1, "initial collections", _ => { }),
        (2, "info history and tiered metric series", db =>
        {
            // EnsureIndex is idempotent; the collections appear with their first index.
            db.GetCollection("info_history").EnsureIndex("Key", "$.Key");
            db.GetCollection("info_history").EnsureIndex("DeviceId", "$.DeviceId");
            db.GetCollection("metric_points").EnsureIndex("DeviceId", "$.DeviceId");
        }),
        (3, "operator object model: typed objects, assignments, config versions, operators, audit", db =>
        {
            // Collections of the object model (Controller/Objects) and the operator API
            // (Controller/Ops); SCHEMA.md draws them. Existing devices keep their stored config
            // (they have no assignment, so the compiler leaves them alone) and their history
            // starts at the upgrade.
            foreach (var name in ObjectCollections)
                db.GetCollection(name).EnsureIndex("Name", "$.Name", unique: true);
            db.GetCollection("config_versions").EnsureIndex("DeviceId", "$.DeviceId");
            db.GetCollection("audit").EnsureIndex("At", "$.At");
            db.GetCollection("op_tokens").EnsureIndex("Operator", "$.Operator");
        }),
    ];

    public static void Apply(LiteDatabase db)
    {
        var current = db.UserVersion;
        var newest = Steps[^1].Version;
        if (current > newest)
            throw new InvalidOperationException($"the store has schema version {current}, newer than this eve-appliance understands ({newest}); run a newer eve-appliance or restore a backup");
        foreach (var step in Steps.Where(s => s.Version > current))
        {
            step.Apply(db);
            db.UserVersion = step.Version;
        }
    }
}
