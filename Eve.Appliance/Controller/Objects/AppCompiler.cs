using System.Globalization;
using System.Text;
using Eve.Appliance.Controller.Objects.Model;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Controller.Objects;

/// <summary>An app manifest as EVE's AppInstanceConfig and the volumes made from its images.</summary>
internal static class AppCompiler
{
    public static IEnumerable<Volume> ImageVolumes(AppObject a, IReadOnlyList<ImageObject> images)
    {
        for (var i = 0; i < a.Images.Count; i++)
        {
            var r = a.Images[i];
            var image = images.First(x => x.Id == r.ImageId);
            yield return new Volume
            {
                Uuid = ImageVolumeId(a, i),
                DisplayName = $"{a.Name}-{r.Target}-{i}",
                Origin = new VolumeContentOrigin { Type = VolumeContentOriginType.VcotDownload, DownloadContentTreeID = image.Id },
                Target = r.Target switch { "kernel" => Target.Kernel, "initrd" => Target.Initrd, _ => Target.Disk },
                Maxsizebytes = r.SizeBytes > 0 ? r.SizeBytes : image.SizeBytes,
            };
        }
    }

    public static Volume Volume(VolumeObject v, IReadOnlyList<ImageObject> images)
    {
        var volume = new Volume { Uuid = v.Id, DisplayName = v.Name, Maxsizebytes = v.SizeBytes, Readonly = v.ReadOnly, Target = Target.Disk };
        volume.Origin = v.ImageId != null && images.Any(i => i.Id == v.ImageId)
            ? new VolumeContentOrigin { Type = VolumeContentOriginType.VcotDownload, DownloadContentTreeID = v.ImageId }
            : new VolumeContentOrigin { Type = VolumeContentOriginType.VcotBlank };
        return volume;
    }

    public static AppInstanceConfig App(AppObject a, IReadOnlyList<ImageObject> images)
    {
        _ = images;
        var app = new AppInstanceConfig
        {
            Uuidandversion = new UUIDandVersion { Uuid = a.Id, Version = a.Revision.ToString(CultureInfo.InvariantCulture) },
            Displayname = a.Name,
            Activate = a.Activate,
            Fixedresources = new VmConfig
            {
                Memory = (uint)a.MemoryMb * 1024,
                Maxmem = (uint)a.MemoryMb * 1024,
                Vcpus = (uint)a.Cpus,
                Extraargs = a.KernelArgs ?? "",
                EnableVnc = a.Vnc,
                VncDisplay = a.Vnc ? (uint)a.VncDisplay : 0,
                VncPasswd = a.Vnc ? a.VncPassword ?? "" : "",
            },
            Restart = new InstanceOpsCmd { Counter = (uint)a.RestartCounter },
            Purge = new InstanceOpsCmd { Counter = (uint)a.PurgeCounter },
            RemoteConsole = a.Vnc,
            UserData = a.UserData is { Length: > 0 } u ? Convert.ToBase64String(Encoding.UTF8.GetBytes(u)) : "",
        };
        for (var i = 0; i < a.Images.Count; i++) app.VolumeRefList.Add(new VolumeRef { Uuid = ImageVolumeId(a, i) });
        foreach (var v in a.Volumes) app.VolumeRefList.Add(new VolumeRef { Uuid = v });
        foreach (var nic in a.Interfaces) app.Interfaces.Add(Interface(nic));
        return app;
    }

    /// <summary>Stable across revisions of the app (and across unrelated changes), so a device keeps
    /// the volume's data when the app's memory changes; it changes when the image does.</summary>
    private static string ImageVolumeId(AppObject a, int index) =>
        DerivedId.Of(a.Id, "image-volume", index.ToString(CultureInfo.InvariantCulture), a.Images[index].ImageId);

    private static NetworkAdapter Interface(AppInterface nic)
    {
        var adapter = new NetworkAdapter { Name = nic.Name, NetworkId = nic.NetworkId, MacAddress = nic.Mac ?? "", Addr = nic.Ip ?? "" };
        var id = 1;
        foreach (var rule in nic.Acls)
        {
            var ace = new ACE { Id = id++, Name = rule.Name ?? "" };
            foreach (var m in rule.Matches) ace.Matches.Add(new ACEMatch { Type = m.Type, Value = m.Value });
            switch (rule.Action)
            {
                case "drop": ace.Actions.Add(new ACEAction { Drop = true }); break;
                case "portmap": ace.Actions.Add(new ACEAction { Portmap = true, AppPort = (uint)rule.AppPort }); break;
                case "limit": ace.Actions.Add(new ACEAction { Limit = true, Limitrate = (uint)rule.LimitRate, Limitunit = rule.LimitUnit ?? "s", Limitburst = (uint)rule.LimitBurst }); break;
                default: ace.Actions.Add(new ACEAction()); break; // an action with nothing set is EVE's allow
            }
            adapter.Acls.Add(ace);
        }
        return adapter;
    }
}
