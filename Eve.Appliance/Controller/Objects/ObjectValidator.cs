using Eve.Appliance.Controller.Objects.Model;

namespace Eve.Appliance.Controller.Objects;

/// <summary>
/// Checks one object against its rules and the other objects, and turns references given by name
/// into ids (so renaming an image does not break the apps using it). Checks that need a device
/// (overlapping subnets, memory over capacity) are the compiler's (<see cref="DeviceChecks"/>).
/// </summary>
internal sealed class ObjectValidator(ObjectSet set, Func<string, long?> builtInImageSize)
{
    public IReadOnlyList<Problem> Validate(OpsObject o)
    {
        var p = new ProblemList();
        Common(o, p);
        switch (o)
        {
            case ImageObject i: Image(i, p); break;
            case DatastoreObject d: Datastore(d, p); break;
            case AppObject a: AppRules.Check(a, this, set, p); break;
            case NetworkObject n: Network(n, p); break;
            case VolumeObject v: Volume(v, p); break;
            case PortConfigObject pc: PortRules.Check(pc, p); break;
            case ConfigItemObject c: if (c.Value == null) p.Add("value", "required (may be empty)"); break;
            case BaseOsObject b: BaseOs(b, p); break;
            case ProfileObject pr: Profile(pr, p); break;
        }
        return p.Items;
    }

    private void Common(OpsObject o, ProblemList p)
    {
        if (string.IsNullOrWhiteSpace(o.Name)) p.Add("name", "required");
        else if (o.Name.Length > 128) p.Add("name", $"{o.Name.Length} characters: must be at most 128");
        else if (o.Name.Any(c => char.IsControl(c) || c == '/')) p.Add("name", "must not contain '/' or control characters");
        var same = o switch
        {
            ImageObject => Taken(set.Images, o), DatastoreObject => Taken(set.Datastores, o), AppObject => Taken(set.Apps, o),
            NetworkObject => Taken(set.Networks, o), VolumeObject => Taken(set.Volumes, o), PortConfigObject => Taken(set.PortConfigs, o),
            ConfigItemObject => Taken(set.ConfigItems, o), BaseOsObject => Taken(set.BaseOs, o), ProfileObject => Taken(set.Profiles, o), _ => null,
        };
        if (same != null) p.Add("name", $"'{o.Name}' is taken by {same}: names are unique per kind");
    }

    private static string? Taken<T>(Dictionary<string, T> all, OpsObject o) where T : OpsObject =>
        all.Values.FirstOrDefault(x => x.Name == o.Name && x.Id != o.Id)?.Id;

    private void Image(ImageObject i, ProblemList p)
    {
        i.Sha256 = i.Sha256.ToLowerInvariant();
        if (i.Sha256.Length != 64 || !i.Sha256.All(char.IsAsciiHexDigit)) p.Add("sha256", $"'{i.Sha256}' must be 64 hex digits");
        p.OneOf("format", i.Format, "raw", "qcow2", "iso", "vhdx", "container");
        if (i.SizeBytes < 0) p.Add("sizeBytes", "must not be negative");
        if (string.IsNullOrEmpty(i.DatastoreId))
        {
            i.DatastoreId = null;
            if (p.Any) return;
            if (builtInImageSize(i.Sha256) is { } size) i.SizeBytes = size;
            else p.Add("sha256", $"unknown image: the built-in datastore has no image {i.Sha256}; upload it first (POST /api/ops/v1/images/upload or `ctl image upload FILE`)");
        }
        else
        {
            i.DatastoreId = Ref<DatastoreObject>("datastoreId", i.DatastoreId, p);
            if (string.IsNullOrWhiteSpace(i.RelativeUrl)) p.Add("relativeUrl", "required for an image in an external datastore (its path below the datastore)");
        }
    }

    private static void Datastore(DatastoreObject d, ProblemList p)
    {
        p.OneOf("type", d.Type, "http", "https", "container-registry");
        if (string.IsNullOrWhiteSpace(d.Fqdn)) p.Add("fqdn", "required: the datastore's host[:port] or URL");
    }

    private static void Network(NetworkObject n, ProblemList p)
    {
        p.OneOf("kind", n.Kind, "local", "switch");
        if (n.Mtu != 0) p.Range("mtu", n.Mtu, 1280, 9000);
        for (var i = 0; i < n.Dns.Count; i++) p.Address($"dns[{i}]", n.Dns[i]);
        if (n.Kind != "local")
        {
            if (n.Subnet != null) p.Add("subnet", "only local network instances have a subnet (a switch bridges onto the port's own network)");
            return;
        }
        var net = p.Subnet("subnet", n.Subnet);
        if (net is not { } subnet) return;
        if (subnet.BaseAddress.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork || subnet.PrefixLength > 30)
            p.Add("subnet", $"{subnet} must be IPv4 with a prefix of /30 or shorter (room for a gateway and an app)");
        p.Address("gateway", n.Gateway, subnet);
        p.Address("dhcpStart", n.DhcpStart, subnet);
        p.Address("dhcpEnd", n.DhcpEnd, subnet);
        if ((n.DhcpStart == null) != (n.DhcpEnd == null)) p.Add("dhcpStart", "dhcpStart and dhcpEnd go together");
    }

    private void Volume(VolumeObject v, ProblemList p)
    {
        if (v.ImageId != null) v.ImageId = Ref<ImageObject>("imageId", v.ImageId, p);
        else if (v.SizeBytes <= 0) p.Add("sizeBytes", "a blank volume needs a size in bytes > 0");
        if (v.SizeBytes < 0) p.Add("sizeBytes", "must not be negative");
    }

    private void BaseOs(BaseOsObject b, ProblemList p)
    {
        if (string.IsNullOrWhiteSpace(b.Version)) p.Add("version", "required: the EVE version string the image carries");
        b.ImageId = Ref<ImageObject>("imageId", b.ImageId, p) ?? b.ImageId;
    }

    private void Profile(ProfileObject pr, ProblemList p)
    {
        pr.Apps = Refs<AppObject>("apps", pr.Apps, p);
        pr.Networks = Refs<NetworkObject>("networks", pr.Networks, p);
        pr.Volumes = Refs<VolumeObject>("volumes", pr.Volumes, p);
        pr.ConfigItems = Refs<ConfigItemObject>("configItems", pr.ConfigItems, p);
        if (pr.PortConfig != null) pr.PortConfig = Ref<PortConfigObject>("portConfig", pr.PortConfig, p);
        if (pr.BaseOs != null) pr.BaseOs = Ref<BaseOsObject>("baseOs", pr.BaseOs, p);
        if (pr.LocalProfileServer is { Length: > 0 } lps && !Uri.TryCreate(lps.Contains("://", StringComparison.Ordinal) ? lps : "http://" + lps, UriKind.Absolute, out _))
            p.Add("localProfileServer", $"'{lps}' is not a host[:port] or URL");
        if (pr.LocalProfileServer is { Length: > 0 } && string.IsNullOrEmpty(pr.ProfileServerToken))
            p.Add("profileServerToken", "required with localProfileServer: the device only accepts answers carrying this token");
    }

    /// <summary>Checks a device's assignment and turns its names into ids.</summary>
    public IReadOnlyList<Problem> Validate(DeviceAssignment a)
    {
        var p = new ProblemList();
        a.Apps = Refs<AppObject>("apps", a.Apps, p);
        a.Networks = Refs<NetworkObject>("networks", a.Networks, p);
        a.Volumes = Refs<VolumeObject>("volumes", a.Volumes, p);
        a.ConfigItems = Refs<ConfigItemObject>("configItems", a.ConfigItems, p);
        a.Profiles = Refs<ProfileObject>("profiles", a.Profiles, p);
        if (a.PortConfig != null) a.PortConfig = Ref<PortConfigObject>("portConfig", a.PortConfig, p);
        if (a.BaseOs != null) a.BaseOs = Ref<BaseOsObject>("baseOs", a.BaseOs, p);
        return p.Items;
    }

    public string? Ref<T>(string field, string? idOrName, ProblemList p) where T : OpsObject
    {
        var kind = ObjectKind.Of<T>();
        if (string.IsNullOrEmpty(idOrName)) { p.Add(field, $"required: the id or name of a {kind.Word}"); return null; }
        if (set.Resolve<T>(idOrName) is { } found) return found.Id;
        p.Add(field, $"unknown {kind.Word} '{idOrName}' (see GET /api/ops/v1/{kind.Path})");
        return null;
    }

    public List<string> Refs<T>(string field, List<string>? ids, ProblemList p) where T : OpsObject
    {
        var result = new List<string>();
        foreach (var (id, i) in (ids ?? []).Select((x, i) => (x, i)))
            if (Ref<T>($"{field}[{i}]", id, p) is { } resolved && !result.Contains(resolved)) result.Add(resolved);
        return result;
    }
}
