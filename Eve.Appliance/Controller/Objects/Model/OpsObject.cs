using LiteDB;

namespace Eve.Appliance.Controller.Objects.Model;

/// <summary>
/// What every typed object has: a UUID (also the id it gets in the device's EdgeDevConfig, so an
/// app keeps its identity across changes), a name unique within its kind, and a revision the
/// controller bumps on every update (EVE's UUIDandVersion.version). The same class is the LiteDB
/// document and the JSON body of the operator API: the fields are plain data and the API is their
/// only writer.
/// </summary>
public abstract class OpsObject
{
    [BsonId] public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public int Revision { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
