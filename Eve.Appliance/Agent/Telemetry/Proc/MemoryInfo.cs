namespace Eve.Appliance.Agent.Telemetry.Proc;

/// <summary>/proc/meminfo values in KiB, as the kernel prints them.</summary>
internal readonly record struct MemoryInfo(ulong TotalKb, ulong FreeKb, ulong AvailableKb, ulong BuffersKb, ulong CachedKb)
{
    public ulong UsedKb => TotalKb > AvailableKb ? TotalKb - AvailableKb : 0;
}
