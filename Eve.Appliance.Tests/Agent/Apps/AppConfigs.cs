using Google.Protobuf;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Tests.Agent.Apps;

/// <summary>Builds the config objects of an app the way a controller sends them.</summary>
internal static class AppConfigs
{
    public static DatastoreConfig Datastore(string id, DsType type, string fqdn, string dpath) =>
        new() { Id = id, DType = type, Fqdn = fqdn, Dpath = dpath };

    public static ContentTree Content(string id, string dsId, string url, string sha256, Format format, string name) =>
        new() { Uuid = id, DsId = dsId, URL = url, Sha256 = sha256, Iformat = format, DisplayName = name };

    public static Volume DownloadVolume(string id, string contentId, Target target, long maxSize = 0, string name = "") => new()
    {
        Uuid = id,
        DisplayName = name,
        Origin = new VolumeContentOrigin { Type = VolumeContentOriginType.VcotDownload, DownloadContentTreeID = contentId },
        Target = target,
        Maxsizebytes = maxSize,
    };

    public static AppInstanceConfig App(string id, string name, uint memoryKiB, string kernelArgs, bool activate, params string[] volumeIds)
    {
        var app = new AppInstanceConfig
        {
            Uuidandversion = new UUIDandVersion { Uuid = id, Version = "1" },
            Displayname = name,
            Activate = activate,
            Fixedresources = new VmConfig { Memory = memoryKiB, Vcpus = 1, Extraargs = kernelArgs },
            Restart = new InstanceOpsCmd { Counter = 0 },
            Purge = new InstanceOpsCmd { Counter = 0 },
        };
        foreach (var v in volumeIds) app.VolumeRefList.Add(new VolumeRef { Uuid = v });
        return app;
    }

    public static ByteString Pem(string pem) => ByteString.CopyFromUtf8(pem);
}
