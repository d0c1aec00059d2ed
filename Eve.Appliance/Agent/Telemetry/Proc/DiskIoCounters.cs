namespace Eve.Appliance.Agent.Telemetry.Proc;

/// <summary>A whole disk's line of /proc/diskstats; bytes are sectors × 512 (the kernel's unit there).</summary>
internal sealed record DiskIoCounters(string Name, ulong ReadCount, ulong ReadBytes, ulong WriteCount, ulong WriteBytes);
