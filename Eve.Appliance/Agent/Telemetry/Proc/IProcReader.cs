namespace Eve.Appliance.Agent.Telemetry.Proc;

/// <summary>Host facts from procfs and sysfs. One real implementation (<see cref="ProcReader"/>) whose
/// root is injectable, so tests read a fake tree or the real one through the same code.</summary>
internal interface IProcReader
{
    CpuTimes ReadCpuTimes();

    MemoryInfo ReadMemory();

    /// <summary>Seconds since boot (first field of /proc/uptime).</summary>
    double ReadUptimeSeconds();

    IReadOnlyList<NetDevCounters> ReadNetDev();

    LoadAverage ReadLoadAverage();

    /// <summary>Resident set size of this process in KiB (VmRSS of /proc/self/status).</summary>
    ulong ReadSelfRssKb();

    /// <summary>Disk-backed mounts (block devices and overlay roots), one per mount path, with sizes.</summary>
    IReadOnlyList<MountUsage> ReadMounts();

    CpuInfo ReadCpuInfo();

    DmiInfo ReadDmi();

    IReadOnlyList<NetAdapter> ReadNetAdapters();

    /// <summary>Whole disks (those under sys/block, without loop/ram/zram) with I/O counters.</summary>
    IReadOnlyList<DiskIoCounters> ReadDiskIo();

    /// <summary>IPv4 default gateways per interface from /proc/net/route.</summary>
    IReadOnlyDictionary<string, IReadOnlyList<string>> ReadDefaultRouters();

    DnsConfig ReadDns();
}
