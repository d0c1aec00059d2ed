using Eve.Appliance.Controller.Objects.Model;

namespace Eve.Appliance.Controller.Objects;

/// <summary>All objects at one moment, by id: what validation and the compiler read.</summary>
internal sealed class ObjectSet(
    Dictionary<string, ImageObject> images,
    Dictionary<string, DatastoreObject> datastores,
    Dictionary<string, AppObject> apps,
    Dictionary<string, NetworkObject> networks,
    Dictionary<string, VolumeObject> volumes,
    Dictionary<string, PortConfigObject> portConfigs,
    Dictionary<string, ConfigItemObject> configItems,
    Dictionary<string, BaseOsObject> baseOs,
    Dictionary<string, ProfileObject> profiles)
{
    public Dictionary<string, ImageObject> Images { get; } = images;
    public Dictionary<string, DatastoreObject> Datastores { get; } = datastores;
    public Dictionary<string, AppObject> Apps { get; } = apps;
    public Dictionary<string, NetworkObject> Networks { get; } = networks;
    public Dictionary<string, VolumeObject> Volumes { get; } = volumes;
    public Dictionary<string, PortConfigObject> PortConfigs { get; } = portConfigs;
    public Dictionary<string, ConfigItemObject> ConfigItems { get; } = configItems;
    public Dictionary<string, BaseOsObject> BaseOs { get; } = baseOs;
    public Dictionary<string, ProfileObject> Profiles { get; } = profiles;

    public Dictionary<string, T> Of<T>() where T : OpsObject => (Dictionary<string, T>)(object)(typeof(T).Name switch
    {
        nameof(ImageObject) => (object)Images,
        nameof(DatastoreObject) => (object)Datastores,
        nameof(AppObject) => (object)Apps,
        nameof(NetworkObject) => (object)Networks,
        nameof(VolumeObject) => (object)Volumes,
        nameof(PortConfigObject) => (object)PortConfigs,
        nameof(ConfigItemObject) => (object)ConfigItems,
        nameof(BaseOsObject) => (object)BaseOs,
        nameof(ProfileObject) => (object)Profiles,
        _ => throw new ArgumentException($"not an object type: {typeof(T).Name}"),
    });

    /// <summary>The object a reference names: its id, or its name (case-sensitive), or null.</summary>
    public T? Resolve<T>(string? idOrName) where T : OpsObject
    {
        if (string.IsNullOrEmpty(idOrName)) return null;
        var all = Of<T>();
        if (all.TryGetValue(idOrName.ToLowerInvariant(), out var byId)) return byId;
        return all.Values.FirstOrDefault(o => o.Name == idOrName);
    }

    /// <summary>Objects of any kind that refer to <paramref name="id"/>, as "kind 'name'" for a
    /// refusal to delete something in use.</summary>
    public IEnumerable<string> UsersOf(string id)
    {
        foreach (var a in Apps.Values)
            if (a.Images.Any(i => i.ImageId == id) || a.Volumes.Contains(id) || a.Interfaces.Any(n => n.NetworkId == id))
                yield return $"app '{a.Name}'";
        foreach (var i in Images.Values) if (i.DatastoreId == id) yield return $"image '{i.Name}'";
        foreach (var v in Volumes.Values) if (v.ImageId == id) yield return $"volume '{v.Name}'";
        foreach (var b in BaseOs.Values) if (b.ImageId == id) yield return $"base-OS version '{b.Name}'";
        foreach (var p in Profiles.Values)
            if (p.Apps.Contains(id) || p.Networks.Contains(id) || p.Volumes.Contains(id) || p.ConfigItems.Contains(id) || p.PortConfig == id || p.BaseOs == id)
                yield return $"profile '{p.Name}'";
    }
}
