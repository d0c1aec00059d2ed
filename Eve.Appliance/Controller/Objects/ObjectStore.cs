using Eve.Appliance.Controller.Objects.Model;
using Eve.Appliance.Store;
using LiteDB;

namespace Eve.Appliance.Controller.Objects;

/// <summary>The object model's LiteDB collections (Store/SCHEMA.md draws them).</summary>
internal sealed class ObjectStore
{
    private readonly Dictionary<Type, object> _collections = [];

    public ObjectStore(ControllerStore store)
    {
        Store = store;
        Add<ImageObject>();
        Add<DatastoreObject>();
        Add<AppObject>();
        Add<NetworkObject>();
        Add<VolumeObject>();
        Add<PortConfigObject>();
        Add<ConfigItemObject>();
        Add<BaseOsObject>();
        Add<ProfileObject>();
        Assignments = store.Collection<DeviceAssignment>("assignments");
        Versions = store.Collection<ConfigVersionDoc>("config_versions");
    }

    public ControllerStore Store { get; }
    public ILiteCollection<DeviceAssignment> Assignments { get; }
    public ILiteCollection<ConfigVersionDoc> Versions { get; }

    public ILiteCollection<T> Of<T>() where T : OpsObject, new() => (ILiteCollection<T>)_collections[typeof(T)];

    /// <summary>Every object, read once, for validation and compiling.</summary>
    public ObjectSet Snapshot() => new(
        Load<ImageObject>(), Load<DatastoreObject>(), Load<AppObject>(), Load<NetworkObject>(), Load<VolumeObject>(),
        Load<PortConfigObject>(), Load<ConfigItemObject>(), Load<BaseOsObject>(), Load<ProfileObject>());

    private Dictionary<string, T> Load<T>() where T : OpsObject, new() =>
        Of<T>().FindAll().ToDictionary(o => o.Id, StringComparer.Ordinal);

    private void Add<T>() where T : OpsObject, new() => _collections[typeof(T)] = Store.Collection<T>(ObjectKind.Of<T>().Collection);
}
