using Eve.Appliance.Controller.Objects.Model;

namespace Eve.Appliance.Controller.Objects;

/// <summary>One kind of typed object: its name in the API path, its LiteDB collection, its type,
/// and the word used in messages.</summary>
internal sealed record ObjectKind(string Path, string Collection, Type Type, string Word)
{
    public static readonly ObjectKind Images = new("images", "obj_images", typeof(ImageObject), "image");
    public static readonly ObjectKind Datastores = new("datastores", "obj_datastores", typeof(DatastoreObject), "datastore");
    public static readonly ObjectKind Apps = new("apps", "obj_apps", typeof(AppObject), "app");
    public static readonly ObjectKind Networks = new("networks", "obj_networks", typeof(NetworkObject), "network");
    public static readonly ObjectKind Volumes = new("volumes", "obj_volumes", typeof(VolumeObject), "volume");
    public static readonly ObjectKind PortConfigs = new("port-configs", "obj_ports", typeof(PortConfigObject), "port config");
    public static readonly ObjectKind ConfigItems = new("config-items", "obj_configitems", typeof(ConfigItemObject), "config item");
    public static readonly ObjectKind BaseOs = new("base-os", "obj_baseos", typeof(BaseOsObject), "base-OS version");
    public static readonly ObjectKind Profiles = new("profiles", "obj_profiles", typeof(ProfileObject), "profile");

    public static readonly IReadOnlyList<ObjectKind> All = [Images, Datastores, Apps, Networks, Volumes, PortConfigs, ConfigItems, BaseOs, Profiles];

    public static ObjectKind Of<T>() where T : OpsObject => All.First(k => k.Type == typeof(T));
}
