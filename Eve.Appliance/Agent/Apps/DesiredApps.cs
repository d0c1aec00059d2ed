using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Agent.Apps;

/// <summary>Pure: the app instances an EdgeDevConfig asks for, with their volumes and content
/// trees resolved through `volumes`, `contentInfo` and `datastores`. An app whose references do not
/// resolve is still returned (so it shows up in info), with its problems listed.</summary>
internal static class DesiredApps
{
    public sealed record Result(IReadOnlyList<AppIntent> Apps, IReadOnlyDictionary<Guid, string> Problems);

    public static Result Compute(EdgeDevConfig config, ObjectCrypto.IObjectDecryptor? decryptor = null)
    {
        var datastores = config.Datastores.Where(d => d.Id != "").GroupBy(d => d.Id).ToDictionary(g => g.Key, g => g.First());
        var contents = config.ContentInfo.Where(c => c.Uuid != "").GroupBy(c => c.Uuid).ToDictionary(g => g.Key, g => g.First());
        var volumes = config.Volumes.Where(v => v.Uuid != "").GroupBy(v => v.Uuid).ToDictionary(g => g.Key, g => g.First());
        var apps = new List<AppIntent>();
        // EVE's `app.allow.vnc`: app consoles reachable from outside the box, not only on loopback.
        var allowRemoteVnc = string.Equals(config.ConfigItems.LastOrDefault(i => i.Key == "app.allow.vnc")?.Value?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
        var problems = new Dictionary<Guid, string>();
        var serialOwners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var app in config.Apps)
        {
            if (!Guid.TryParse(app.Uuidandversion?.Uuid, out var id)) continue;
            var issues = new List<string>();
            var vols = new List<VolumeIntent>();
            foreach (var r in app.VolumeRefList)
            {
                if (!volumes.TryGetValue(r.Uuid, out var v) || !Guid.TryParse(v.Uuid, out var vid))
                {
                    issues.Add($"volume {r.Uuid} is not in the config's volumes");
                    continue;
                }
                ContentIntent? content = null;
                if (v.Origin?.Type == VolumeContentOriginType.VcotDownload)
                {
                    var treeId = v.Origin.DownloadContentTreeID;
                    if (!contents.TryGetValue(treeId, out var tree)) { issues.Add($"volume {v.Uuid}: content tree {treeId} is not in contentInfo"); continue; }
                    content = ResolveContent(tree, datastores, issues, decryptor, config);
                    if (content is null) continue;
                }
                vols.Add(new VolumeIntent(vid, v.DisplayName != "" ? v.DisplayName : v.Uuid, content,
                    v.Target == Target.TgtUnknown ? Target.Disk : v.Target, v.Maxsizebytes, v.GenerationCount, v.Readonly));
            }
            var vm = app.Fixedresources ?? new VmConfig();
            var intent = new AppIntent
            {
                Id = id,
                Name = app.Displayname != "" ? app.Displayname : id.ToString(),
                Version = app.Uuidandversion!.Version,
                Vcpus = vm.Vcpus == 0 ? 1 : (int)vm.Vcpus,
                MemoryKiB = vm.Memory == 0 ? 256 * 1024 : vm.Memory,
                Activate = app.Activate,
                RestartCounter = app.Restart?.Counter ?? 0,
                PurgeCounter = app.Purge?.Counter ?? 0,
                StartDelay = TimeSpan.FromSeconds(app.StartDelayInSeconds),
                EnableVnc = vm.EnableVnc,
                VncDisplay = (int)vm.VncDisplay,
                VncPassword = vm.VncPasswd == "" ? null : vm.VncPasswd,
                VncListenAddress = allowRemoteVnc ? "0.0.0.0" : "127.0.0.1",
                KernelArgs = vm.Extraargs == "" ? null : vm.Extraargs,
                Volumes = vols,
                Interfaces = app.Interfaces.Select(n => new AppInterfaceIntent(n.Name, n.NetworkId, n.MacAddress)).ToList(),
            };
            intent = intent with { SerialPorts = SerialPassthrough.Resolve(config, app, intent.Name, serialOwners, issues) };
            var userData = decryptor?.DecryptUserData(config, app) ?? new ObjectCrypto.UserDataSecret(app.UserData, null);
            // A sealed user data that cannot be opened and has no clear fallback: booting without it
            // would hand the guest a different machine than the operator configured.
            if (userData.Error != null && userData.UserData == "") issues.Add(userData.Error);
            intent = intent with { UserData = userData.UserData == "" ? null : userData.UserData };
            if (vols.Count(v => v.Target == Target.Kernel) > 1) issues.Add("more than one volume has target Kernel");
            if (vols.Count(v => v.Target is Target.Initrd or Target.RamDisk) > 1) issues.Add("more than one volume has target Initrd");
            if (vols.All(v => v.Target != Target.Disk && v.Target != Target.Kernel) && issues.Count == 0)
                issues.Add("nothing to boot: no volume with target Disk or Kernel");
            apps.Add(intent);
            if (issues.Count > 0) problems[id] = $"app '{intent.Name}': {string.Join("; ", issues)}";
        }
        return new Result(apps, problems);
    }

    /// <summary>Where a content tree's blob comes from. Http(s): fqdn (scheme added by type when
    /// missing) + dpath + URL (an absolute URL is used as is). Registry: fqdn is the registry,
    /// URL (after dpath) is "repository:tag" or "repository@sha256:…".</summary>
    internal static ContentIntent? ResolveContent(ContentTree tree, IReadOnlyDictionary<string, DatastoreConfig> datastores, List<string> issues,
        ObjectCrypto.IObjectDecryptor? decryptor = null, EdgeDevConfig? config = null)
    {
        if (!Guid.TryParse(tree.Uuid, out var id)) { issues.Add($"content tree '{tree.Uuid}' has no UUID"); return null; }
        var name = tree.DisplayName != "" ? tree.DisplayName : tree.Uuid;
        if (!datastores.TryGetValue(tree.DsId, out var ds)) { issues.Add($"content tree '{name}': datastore {tree.DsId} is not in datastores"); return null; }
        var sha = tree.Sha256.ToLowerInvariant();
        long? size = tree.MaxSizeBytes > 0 ? (long)tree.MaxSizeBytes : null;
        var caPems = ds.DsCertPEM.Select(b => b.ToStringUtf8()).ToList();
        var secret = decryptor != null && config != null ? decryptor.DecryptDatastoreCredentials(config, ds) : new ObjectCrypto.DatastoreSecret(ds.ApiKey, ds.Password, null);
        if (secret.Error != null) { issues.Add(secret.Error); return null; }
        var credentials = secret.ToCredential();
        switch (ds.DType)
        {
            case DsType.DsHttp or DsType.DsHttps:
            {
                var scheme = ds.DType == DsType.DsHttp ? "http" : "https";
                Uri source;
                if (Uri.TryCreate(tree.URL, UriKind.Absolute, out var abs) && abs.Scheme is "http" or "https") source = abs;
                else
                {
                    var root = ds.Fqdn.Contains("://", StringComparison.Ordinal) ? ds.Fqdn : $"{scheme}://{ds.Fqdn}";
                    var path = string.Join('/', new[] { ds.Dpath, tree.URL }.Select(p => p.Trim('/')).Where(p => p != ""));
                    if (!Uri.TryCreate(root.TrimEnd('/') + "/" + path, UriKind.Absolute, out var combined))
                    {
                        issues.Add($"content tree '{name}': '{root}/{path}' is not a valid URL (check the datastore's fqdn and dpath)");
                        return null;
                    }
                    source = combined;
                }
                if (sha.Length != 64) { issues.Add($"content tree '{name}': sha256 '{tree.Sha256}' must be 64 hex digits"); return null; }
                return new ContentIntent(id, name, ds.DType, source, sha, tree.Iformat, size) { CaPems = caPems, Credentials = credentials, Signature = tree.Siginfo, Generation = tree.GenerationCount };
            }
            case DsType.DsContainerRegistry:
            {
                var root = ds.Fqdn.Contains("://", StringComparison.Ordinal) ? ds.Fqdn : $"https://{ds.Fqdn}";
                var reference = string.Join('/', new[] { ds.Dpath, tree.URL }.Select(p => p.Trim('/')).Where(p => p != ""));
                var at = reference.IndexOf('@');
                var colon = at >= 0 ? -1 : reference.LastIndexOf(':');
                var (repo, refPart) = at >= 0 ? (reference[..at], reference[(at + 1)..])
                    : colon > reference.LastIndexOf('/') ? (reference[..colon], reference[(colon + 1)..]) : (reference, "latest");
                if (!Uri.TryCreate(root, UriKind.Absolute, out var registry) || repo == "")
                {
                    issues.Add($"content tree '{name}': registry '{root}' / reference '{reference}' is not usable");
                    return null;
                }
                return new ContentIntent(id, name, ds.DType, registry, sha, tree.Iformat, size, repo, refPart) { CaPems = caPems, Credentials = credentials, Signature = tree.Siginfo, Generation = tree.GenerationCount };
            }
            default:
                issues.Add($"content tree '{name}': datastore type {ds.DType} is not supported here (use DsHttp, DsHttps or DsContainerRegistry)");
                return null;
        }
    }
}
