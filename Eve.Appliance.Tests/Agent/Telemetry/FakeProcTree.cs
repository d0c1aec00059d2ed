namespace Eve.Appliance.Tests.Agent.Telemetry;

/// <summary>A temp directory laid out like / with the procfs/sysfs files ProcReader reads.</summary>
internal sealed class FakeProcTree : IDisposable
{
    public FakeProcTree()
    {
        Root = Directory.CreateTempSubdirectory("fakeproc-").FullName;
        MountDir = Directory.CreateDirectory(Path.Combine(Root, "mnt-persist")).FullName;
        Write("proc/stat", "cpu  1000 50 300 8000 100 10 20 5 0 0\ncpu0 500 25 150 4000 50 5 10 2 0 0\nintr 1 2 3\n");
        Write("proc/meminfo", "MemTotal:        8388608 kB\nMemFree:         1048576 kB\nMemAvailable:    5193728 kB\nBuffers:           10000 kB\nCached:          2000000 kB\n");
        Write("proc/uptime", "6000.25 11000.50\n");
        Write("proc/loadavg", "0.50 0.25 0.10 2/345 6789\n");
        Write("proc/self/status", "Name:\teve\nVmRSS:\t  204800 kB\nThreads:\t9\n");
        Write("proc/net/dev",
            "Inter-|   Receive                                                |  Transmit\n" +
            " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n" +
            "    lo:  1000      10    0    0    0     0          0         0   1000      10    0    0    0     0       0          0\n" +
            "  eth0: 987654321 250000 1 12 0 0 0 0 123456789 100000 2 3 0 0 0 0\n");
        Write("proc/mounts", $"/dev/sda9 {MountDir} ext4 rw,relatime 0 0\nproc /proc proc rw 0 0\ntmpfs /tmp tmpfs rw 0 0\n");
        Write("proc/cpuinfo", "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Test CPU @ 2.00GHz\nflags\t\t: fpu vmx sse\n\nprocessor\t: 1\nvendor_id\t: GenuineIntel\nmodel name\t: Test CPU @ 2.00GHz\nflags\t\t: fpu vmx sse\n");
        Write("proc/diskstats", "   8       0 sda 25000 0 2048000 0 12000 0 1024000 0 0 0 0 0 0 0 0 0 0\n   7       0 loop0 1 0 8 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
        Directory.CreateDirectory(Path.Combine(Root, "sys/block/sda"));
        Write("proc/net/route", "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\neth0\t00000000\t0101A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\neth0\t0001A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n");
        Write("etc/resolv.conf", "# generated\nnameserver 192.168.1.1\nsearch home.arpa lab\n");
        Write("sys/class/dmi/id/sys_vendor", "Supermicro\n");
        Write("sys/class/dmi/id/product_name", "SYS-E100-9W\n");
        Write("sys/class/dmi/id/product_version", "1.0\n");
        Write("sys/class/dmi/id/product_serial", "S123456X7890\n");
        Write("sys/class/dmi/id/product_uuid", "03000200-0400-0500-0006-000700080009\n");
        Write("sys/class/dmi/id/bios_vendor", "American Megatrends Inc.\n");
        Write("sys/class/dmi/id/bios_version", "1.2a\n");
        Write("sys/class/dmi/id/bios_date", "05/12/2023\n");
        Write("sys/class/net/eth0/address", "00:25:90:aa:bb:01\n");
        Write("sys/class/net/eth0/operstate", "up\n");
        Write("sys/class/net/lo/address", "00:00:00:00:00:00\n");
    }

    public string Root { get; }

    /// <summary>A real directory the fake mounts file points at, so statvfs works on it.</summary>
    public string MountDir { get; }

    public void Write(string rel, string text)
    {
        var path = Path.Combine(Root, rel);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
