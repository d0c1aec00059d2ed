using System.Runtime.InteropServices;
using Google.Protobuf.WellKnownTypes;
using Org.Lfedge.Eve.Info;
using Org.Lfedge.Eve.Metrics;

namespace Eve.Appliance.Agent.Reporting;

/// <summary>Device info and metrics read from /proc and /sys (no `ps`, no shell).</summary>
internal sealed class ProcTelemetrySource(string procRoot = "/proc") : ITelemetrySource
{
    private (ulong Busy, ulong Total)? _lastCpu;

    public ZInfoDevice DeviceInfo()
    {
        var mem = MemInfo();
        var info = new ZInfoDevice
        {
            MachineArch = RuntimeInformation.OSArchitecture == Architecture.X64 ? "x86_64" : RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
            CpuArch = RuntimeInformation.OSArchitecture == Architecture.X64 ? "x86_64" : RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
            Platform = "eve-appliance",
            Ncpu = (uint)Environment.ProcessorCount,
            Memory = mem.GetValueOrDefault("MemTotal") / 1024, // MB
            HostName = Environment.MachineName,
            BootTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow - Uptime()),
            Minfo = new ZInfoManufacturer
            {
                Manufacturer = Dmi("sys_vendor"),
                ProductName = Dmi("product_name"),
                Version = Dmi("product_version"),
                SerialNumber = Dmi("product_serial"),
                BiosVendor = Dmi("bios_vendor"),
                BiosVersion = Dmi("bios_version"),
                BiosReleaseDate = Dmi("bios_date"),
            },
        };
        try
        {
            var drive = new DriveInfo("/");
            info.Storage = (ulong)(drive.TotalSize / (1024 * 1024));
        }
        catch (IOException) { }
        return info;
    }

    public deviceMetric DeviceMetrics()
    {
        var mem = MemInfo();
        var totalMb = mem.GetValueOrDefault("MemTotal") / 1024;
        var availMb = mem.GetValueOrDefault("MemAvailable") / 1024;
        var usedMb = totalMb - availMb;
        var metric = new deviceMetric
        {
            Memory = new memoryMetric
            {
                UsedMem = (uint)usedMb,
                AvailMem = (uint)availMb,
                UsedPercentage = totalMb == 0 ? 0 : 100.0 * usedMb / totalMb,
                AvailPercentage = totalMb == 0 ? 0 : 100.0 * availMb / totalMb,
            },
            CpuMetric = new appCpuMetric { UpTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch + Uptime()) },
        };
        var cpu = CpuTimes();
        if (_lastCpu is { } last && cpu.Total > last.Total)
            metric.CpuMetric.Total = (ulong)(100.0 * (cpu.Busy - last.Busy) / (cpu.Total - last.Total));
        _lastCpu = cpu;
        return metric;
    }

    private Dictionary<string, ulong> MemInfo()
    {
        var result = new Dictionary<string, ulong>();
        foreach (var line in File.ReadLines(Path.Combine(procRoot, "meminfo")))
        {
            var colon = line.IndexOf(':');
            if (colon < 0) continue;
            var value = line[(colon + 1)..].Trim().Split(' ')[0];
            if (ulong.TryParse(value, out var kb)) result[line[..colon]] = kb;
        }
        return result;
    }

    private TimeSpan Uptime()
    {
        var text = File.ReadAllText(Path.Combine(procRoot, "uptime")).Split(' ')[0];
        return TimeSpan.FromSeconds(double.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
    }

    private (ulong Busy, ulong Total) CpuTimes()
    {
        var first = File.ReadLines(Path.Combine(procRoot, "stat")).First();
        var fields = first.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(ulong.Parse).ToArray();
        var idle = fields[3] + (fields.Length > 4 ? fields[4] : 0);
        var total = fields.Aggregate(0UL, (a, b) => a + b);
        return (total - idle, total);
    }

    private static string Dmi(string name)
    {
        try { return File.ReadAllText(Path.Combine("/sys/class/dmi/id", name)).Trim(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return ""; }
    }
}
