using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Controller.Configs;

/// <summary>
/// Checks an operator's EdgeDevConfig before it is stored, listing every problem with the field and
/// the rule, so one round trip tells the operator all that is wrong (GUIDE: errors users can read).
/// </summary>
internal static class ConfigValidator
{
    public static IReadOnlyList<string> Validate(EdgeDevConfig config, string deviceId)
    {
        var problems = new List<string>();
        if (config.Id != null && config.Id.Uuid != "" && config.Id.Uuid != deviceId)
            problems.Add($"id.uuid = {config.Id.Uuid}: must be this device's id {deviceId} (or empty)");

        var networks = UniqueIds(config.Networks.Select(n => n.Id), "networks", problems);
        foreach (var (a, i) in config.SystemAdapterList.Select((a, i) => (a, i)))
        {
            if (string.IsNullOrWhiteSpace(a.Name)) problems.Add($"systemAdapterList[{i}].name: must name a port (logical label)");
            if (a.NetworkUUID != "" && !networks.Contains(a.NetworkUUID))
                problems.Add($"systemAdapterList[{i}].networkUUID = {a.NetworkUUID}: no entry in networks has that id");
        }
        var datastores = UniqueIds(config.Datastores.Select(d => d.Id), "datastores", problems);
        var contents = UniqueIds(config.ContentInfo.Select(c => c.Uuid), "contentInfo", problems);
        foreach (var (c, i) in config.ContentInfo.Select((c, i) => (c, i)))
        {
            if (c.DsId != "" && !datastores.Contains(c.DsId)) problems.Add($"contentInfo[{i}].dsId = {c.DsId}: no such datastore");
            if (c.Sha256 != "" && (c.Sha256.Length != 64 || !c.Sha256.All(Uri.IsHexDigit)))
                problems.Add($"contentInfo[{i}].sha256 = {c.Sha256}: must be 64 hex digits");
        }
        var volumes = UniqueIds(config.Volumes.Select(v => v.Uuid), "volumes", problems);
        foreach (var (v, i) in config.Volumes.Select((v, i) => (v, i)))
        {
            if (v.Origin?.Type == VolumeContentOriginType.VcotDownload && !contents.Contains(v.Origin.DownloadContentTreeID))
                problems.Add($"volumes[{i}].origin.downloadContentTreeID = {v.Origin.DownloadContentTreeID}: no such content tree");
            if (v.Maxsizebytes < 0) problems.Add($"volumes[{i}].maxsizebytes = {v.Maxsizebytes}: must not be negative");
        }
        var instances = UniqueIds(config.NetworkInstances.Select(n => n.Uuidandversion?.Uuid ?? ""), "networkInstances", problems);
        var appIds = UniqueIds(config.Apps.Select(a => a.Uuidandversion?.Uuid ?? ""), "apps", problems);
        _ = appIds;
        foreach (var (app, i) in config.Apps.Select((a, i) => (a, i)))
        {
            var name = app.Displayname != "" ? $"apps[{i}] ({app.Displayname})" : $"apps[{i}]";
            foreach (var r in app.VolumeRefList)
                if (!volumes.Contains(r.Uuid)) problems.Add($"{name}.volumeRefList: volume {r.Uuid} is not in volumes");
            foreach (var nic in app.Interfaces)
                if (nic.NetworkId != "" && !instances.Contains(nic.NetworkId))
                    problems.Add($"{name}.interfaces[{nic.Name}].networkId = {nic.NetworkId}: no such network instance");
            if (app.Fixedresources is { } vm)
            {
                if (vm.Vcpus is < 0 or > 64) problems.Add($"{name}.fixedresources.vcpus = {vm.Vcpus}: must be 1–64");
                if (vm.Memory < 0) problems.Add($"{name}.fixedresources.memory = {vm.Memory}: must not be negative (KiB)");
            }
        }
        foreach (var item in config.ConfigItems)
            if (string.IsNullOrWhiteSpace(item.Key)) problems.Add("configItems: an item has an empty key");
        return problems;
    }

    private static HashSet<string> UniqueIds(IEnumerable<string> ids, string what, List<string> problems)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var id in ids)
        {
            if (id == "") problems.Add($"{what}[{i}]: id is empty");
            else if (!Guid.TryParse(id, out _)) problems.Add($"{what}[{i}] id = {id}: must be a UUID");
            else if (!set.Add(id)) problems.Add($"{what}[{i}] id = {id}: duplicate");
            i++;
        }
        return set;
    }
}
