using Eve.Appliance.Controller.Objects.Model;

namespace Eve.Appliance.Controller.Objects;

/// <summary>A device's assignment with its profiles folded in and the objects apps need pulled in
/// (their networks, images, volumes), each set ordered by id so compiling is deterministic.</summary>
internal sealed class ExpandedAssignment
{
    public required IReadOnlyList<AppObject> Apps { get; init; }
    public required IReadOnlyList<NetworkObject> Networks { get; init; }
    public required IReadOnlyList<VolumeObject> Volumes { get; init; }
    public required IReadOnlyList<ImageObject> Images { get; init; }
    public required IReadOnlyList<DatastoreObject> Datastores { get; init; }
    public required IReadOnlyList<ConfigItemObject> ConfigItems { get; init; }
    public PortConfigObject? PortConfig { get; init; }
    public BaseOsObject? BaseOs { get; init; }
    public string? GlobalProfile { get; init; }
    public string? LocalProfileServer { get; init; }
    public string? ProfileServerToken { get; init; }
    public int RebootCounter { get; init; }

    /// <summary>The profiles the assignment names (kept so a profile change finds its devices).</summary>
    public IReadOnlyList<string> ProfileIds { get; init; } = [];

    /// <summary>Whether the object <paramref name="id"/> is part of what this device runs.</summary>
    public bool Uses(string id) =>
        ProfileIds.Contains(id) || Apps.Any(o => o.Id == id) || Networks.Any(o => o.Id == id) || Volumes.Any(o => o.Id == id)
        || Images.Any(o => o.Id == id) || Datastores.Any(o => o.Id == id) || ConfigItems.Any(o => o.Id == id)
        || PortConfig?.Id == id || BaseOs?.Id == id;

    public static ExpandedAssignment Of(DeviceAssignment a, ObjectSet set)
    {
        var profiles = a.Profiles.Select(id => set.Profiles.GetValueOrDefault(id)).OfType<ProfileObject>().ToList();
        var apps = Pick(set.Apps, a.Apps.Concat(profiles.SelectMany(p => p.Apps)));
        var networks = Pick(set.Networks, a.Networks.Concat(profiles.SelectMany(p => p.Networks)).Concat(apps.SelectMany(x => x.Interfaces.Select(i => i.NetworkId))));
        var volumes = Pick(set.Volumes, a.Volumes.Concat(profiles.SelectMany(p => p.Volumes)).Concat(apps.SelectMany(x => x.Volumes)));
        var baseOs = set.BaseOs.GetValueOrDefault(a.BaseOs ?? profiles.Select(p => p.BaseOs).FirstOrDefault(b => b != null) ?? "");
        var imageIds = apps.SelectMany(x => x.Images.Select(i => i.ImageId))
            .Concat(volumes.Select(v => v.ImageId ?? "")).Append(baseOs?.ImageId ?? "");
        var images = Pick(set.Images, imageIds);
        return new ExpandedAssignment
        {
            Apps = apps,
            ProfileIds = a.Profiles,
            RebootCounter = a.RebootCounter,
            Networks = networks,
            Volumes = volumes,
            Images = images,
            Datastores = Pick(set.Datastores, images.Select(i => i.DatastoreId ?? "")),
            ConfigItems = Pick(set.ConfigItems, a.ConfigItems.Concat(profiles.SelectMany(p => p.ConfigItems))),
            PortConfig = set.PortConfigs.GetValueOrDefault(a.PortConfig ?? profiles.Select(p => p.PortConfig).FirstOrDefault(x => x != null) ?? ""),
            BaseOs = baseOs,
            GlobalProfile = profiles.Select(p => p.GlobalProfile).FirstOrDefault(x => !string.IsNullOrEmpty(x)),
            LocalProfileServer = profiles.Select(p => p.LocalProfileServer).FirstOrDefault(x => !string.IsNullOrEmpty(x)),
            ProfileServerToken = profiles.Where(p => !string.IsNullOrEmpty(p.LocalProfileServer)).Select(p => p.ProfileServerToken).FirstOrDefault(),
        };
    }

    private static List<T> Pick<T>(Dictionary<string, T> all, IEnumerable<string> ids) where T : OpsObject =>
        ids.Distinct(StringComparer.Ordinal).Select(id => all.GetValueOrDefault(id)).OfType<T>()
            .OrderBy(o => o.Id, StringComparer.Ordinal).ToList();
}
