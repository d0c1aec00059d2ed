using Google.Protobuf.WellKnownTypes;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Agent.Apps;

/// <summary>ZInfoMsg for an app (ZiApp), a volume (ZiVolume) and a content tree (ZiContentTree).</summary>
internal static class AppInfoBuilder
{
    public static ZInfoMsg App(AppIntent intent, AppRecord record, IReadOnlyList<ZInfoNetwork>? networks = null)
    {
        var info = new ZInfoApp
        {
            AppID = intent.Id.ToString(),
            AppVersion = intent.Version,
            AppName = intent.Name,
            State = record.State,
        };
        if (record.BootTime is { } boot && record.State == ZSwState.Running) info.BootTime = Timestamp.FromDateTimeOffset(boot);
        if (record.Error is { } error)
            info.AppErr.Add(new ErrorInfo
            {
                Description = error,
                Timestamp = record.ErrorAt is { } at ? Timestamp.FromDateTimeOffset(at) : null,
                Severity = record.State == ZSwState.Error ? Severity.Error : Severity.Warning,
            });
        info.VolumeRefs.AddRange(intent.Volumes.Select(v => v.Id.ToString()));
        if (networks is not null) info.Network.AddRange(networks);
        return new ZInfoMsg { Ztype = ZInfoTypes.ZiApp, Ainfo = info };
    }

    /// <param name="file">The created volume file: its size and creation time fill resources and usage
    /// (refCount 1: the app that owns the volume; EVE counts the apps using it).</param>
    public static ZInfoMsg Volume(VolumeIntent v, ZSwState state, string? error, DateTimeOffset now, int progress = 0, FileInfo? file = null)
    {
        var info = new ZInfoVolume
        {
            Uuid = v.Id.ToString(),
            DisplayName = v.Name,
            State = state,
            GenerationCount = v.Generation,
            ProgressPercentage = (uint)progress,
            Resources = new VolumeResources { MaxSizeBytes = (ulong)Math.Max(v.MaxSizeBytes, 0) },
        };
        if (file is { Exists: true })
        {
            info.Resources.CurSizeBytes = (ulong)file.Length;
            if (info.Resources.MaxSizeBytes == 0) info.Resources.MaxSizeBytes = (ulong)file.Length; // a read-only image's size is its size
            var created = Timestamp.FromDateTime(file.CreationTimeUtc);
            info.Usage = new UsageInfo { CreateTime = created, RefCount = 1, LastRefcountChangeTime = created };
        }
        if (error is not null) info.VolumeErr = new ErrorInfo { Description = error, Timestamp = Timestamp.FromDateTimeOffset(now), Severity = Severity.Error };
        return new ZInfoMsg { Ztype = ZInfoTypes.ZiVolume, Vinfo = info };
    }

    /// <param name="loadedAt">When the blob was verified and stored (state LOADED): usage's createTime.</param>
    public static ZInfoMsg ContentTree(ContentIntent c, ZSwState state, int percent, long bytes, string? error, DateTimeOffset now, DateTimeOffset? loadedAt = null)
    {
        var info = new ZInfoContentTree
        {
            Uuid = c.Id.ToString(),
            DisplayName = c.Name,
            Sha256 = c.Sha256,
            State = state,
            ProgressPercentage = (uint)Math.Clamp(percent, 0, 100),
            Resources = new ContentResources { CurSizeBytes = (ulong)Math.Max(bytes, 0) },
            GenerationCount = c.Generation,
        };
        if (loadedAt is { } at)
        {
            var created = Timestamp.FromDateTimeOffset(at);
            info.Usage = new UsageInfo { CreateTime = created, RefCount = 1, LastRefcountChangeTime = created };
        }
        if (c.Sha256 != "") info.ComponentShaList.Add(c.Sha256);
        if (error is not null) info.Err = new ErrorInfo { Description = error, Timestamp = Timestamp.FromDateTimeOffset(now), Severity = Severity.Error };
        return new ZInfoMsg { Ztype = ZInfoTypes.ZiContentTree, Cinfo = info };
    }
}
