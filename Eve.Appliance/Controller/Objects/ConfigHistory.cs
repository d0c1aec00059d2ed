using Eve.Appliance.Controller.Objects.Model;
using Eve.Appliance.Store;
using Google.Protobuf;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Controller.Objects;

/// <summary>Keeps every config version of every device (ConfigService calls it inside its write
/// transaction), and flips a model-managed device to raw when an operator sets or reverts a whole
/// config, so the compiler does not silently overwrite it.</summary>
internal sealed class ConfigHistory(ObjectStore objects, TimeProvider time) : IConfigHistory
{
    public void Stored(ConfigDoc doc, EdgeDevConfig config, ConfigChange change)
    {
        objects.Versions.Upsert(new ConfigVersionDoc
        {
            Id = ConfigVersionDoc.KeyOf(doc.Id, doc.Version),
            DeviceId = doc.Id,
            Version = doc.Version,
            ContentHash = ConfigCompiler.ContentHash(config),
            Source = change.Source,
            Actor = change.Actor,
            At = time.GetUtcNow().UtcDateTime,
            Config = doc.Config,
        });
        if (!change.IsRaw) return;
        var assignment = objects.Assignments.FindById(doc.Id);
        if (assignment is not { Mode: AssignmentModes.Objects }) return;
        assignment.Mode = AssignmentModes.Raw;
        assignment.ModeReason = $"version {doc.Version} is a {change.Source} by {change.Actor}; put the assignment again to return to the objects";
        assignment.UpdatedAt = time.GetUtcNow().UtcDateTime;
        objects.Assignments.Update(assignment);
    }

    public IReadOnlyList<ConfigVersionDoc> Of(string deviceId) =>
        objects.Versions.Query().Where(v => v.DeviceId == deviceId).ToEnumerable().OrderByDescending(v => v.Version).ToList();

    public ConfigVersionDoc? Get(string deviceId, int version) => objects.Versions.FindById(ConfigVersionDoc.KeyOf(deviceId, version));

    public static EdgeDevConfig Parse(ConfigVersionDoc v) => EdgeDevConfig.Parser.ParseFrom(v.Config);

    public static byte[] Bytes(EdgeDevConfig c) => c.ToByteArray();
}
