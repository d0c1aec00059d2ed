namespace Eve.Appliance.Agent.Telemetry.Proc;

/// <summary>A mounted filesystem from /proc/mounts with its statvfs sizes in bytes.</summary>
internal sealed record MountUsage(string Device, string MountPath, string FsType, ulong TotalBytes, ulong FreeBytes, ulong AvailableBytes)
{
    public ulong UsedBytes => TotalBytes > FreeBytes ? TotalBytes - FreeBytes : 0;
}
