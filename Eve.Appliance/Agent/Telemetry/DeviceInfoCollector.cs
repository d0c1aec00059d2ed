using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Eve.Appliance.Agent.Telemetry.Proc;
using Google.Protobuf.WellKnownTypes;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Agent.Telemetry;

/// <summary>Builds <see cref="ZInfoMsg"/> ztype ZiDevice (WIRE.md C.4 ZInfoDevice): hardware from /proc,
/// /sys and DMI; memory and storage in MB as EVE reports them; adapters with MAC, addresses and default
/// routers; boot time from uptime. Software, DPC and reboot facts come in through
/// <see cref="DeviceInfoInputs"/>.</summary>
internal sealed class DeviceInfoCollector(IProcReader proc, TimeProvider time, string devId)
{
    public ZInfoMsg Collect(DeviceInfoInputs? inputs = null)
    {
        inputs ??= new DeviceInfoInputs();
        var now = time.GetUtcNow();
        var cpu = proc.ReadCpuInfo();
        var mem = proc.ReadMemory();
        var arch = MachineArch(RuntimeInformation.OSArchitecture);
        var info = new ZInfoDevice
        {
            MachineArch = arch, CpuArch = arch, Platform = arch,
            Ncpu = (uint)cpu.LogicalCpus,
            Memory = DeviceMetricsCollector.ToMb(mem.TotalKb * 1024),
            Minfo = ManufacturerOf(proc.ReadDmi()),
            Dns = DnsOf(proc.ReadDns()),
            BootTime = Timestamp.FromDateTimeOffset(now - TimeSpan.FromSeconds(Math.Floor(proc.ReadUptimeSeconds()))),
            HostName = inputs.HostName ?? Environment.MachineName,
            Capabilities = new Capabilities { HWAssistedVirtualization = cpu.HardwareVirtualization },
            LastBootReason = inputs.LastBootReason,
            RestartCounter = inputs.RestartCounter,
            RebootConfigCounter = inputs.RebootConfigCounter,
            HSMStatus = inputs.HsmStatus,
            HardwareWatchdogPresent = inputs.HardwareWatchdogPresent,
            State = inputs.State,
        };
        AddStorage(info, proc.ReadMounts(), inputs.PersistPath);
        AddNetwork(info, proc.ReadNetAdapters(), proc.ReadDefaultRouters());
        info.SwList.AddRange(inputs.SoftwarePartitions);
        if (inputs.SystemAdapter != null) info.SystemAdapter = inputs.SystemAdapter;
        if (inputs.LastRebootReason != null) info.LastRebootReason = inputs.LastRebootReason;
        if (inputs.LastRebootTime is { } rebootTime) info.LastRebootTime = Timestamp.FromDateTimeOffset(rebootTime);
        if (inputs.HsmInfo != null) info.HSMInfo = inputs.HsmInfo;
        if (inputs.DeviceName != null) info.DeviceName = inputs.DeviceName;
        inputs.Extend?.Invoke(info);
        return new ZInfoMsg { Ztype = ZInfoTypes.ZiDevice, DevId = devId, Dinfo = info, AtTimeStamp = Timestamp.FromDateTimeOffset(now) };
    }

    /// <summary>uname -m spelling, which is what EVE puts in machineArch.</summary>
    public static string MachineArch(Architecture a) => a switch
    {
        Architecture.X64 => "x86_64",
        Architecture.Arm64 => "aarch64",
        Architecture.X86 => "i686",
        Architecture.Arm => "armv7l",
        Architecture.RiscV64 => "riscv64",
        _ => a.ToString().ToLowerInvariant(),
    };

    private static ZInfoManufacturer ManufacturerOf(DmiInfo d) => new()
    {
        Manufacturer = d.Vendor, ProductName = d.Product, Version = d.Version, SerialNumber = d.Serial, UUID = d.Uuid,
        BiosVendor = d.BiosVendor, BiosVersion = d.BiosVersion, BiosReleaseDate = d.BiosDate,
    };

    private static ZInfoDNS DnsOf(DnsConfig dns)
    {
        var z = new ZInfoDNS { DNSdomain = dns.Domain };
        z.DNSservers.AddRange(dns.Servers);
        z.DNSsearch.AddRange(dns.Search);
        return z;
    }

    private static void AddStorage(ZInfoDevice info, IReadOnlyList<MountUsage> mounts, string persistPath)
    {
        // The mount holding the persist path: the longest mount path that prefixes it.
        var persist = mounts.Where(m => IsUnder(persistPath, m.MountPath)).MaxBy(m => m.MountPath.Length);
        foreach (var m in mounts)
        {
            info.StorageList.Add(new ZInfoStorage
            {
                Device = m.Device, MountPath = m.MountPath, Total = DeviceMetricsCollector.ToMb(m.TotalBytes),
                StorageLocation = ReferenceEquals(m, persist),
            });
        }
        if (persist != null) info.Storage = DeviceMetricsCollector.ToMb(persist.TotalBytes);
    }

    private static bool IsUnder(string path, string mount) =>
        mount == "/" || path == mount || path.StartsWith(mount.TrimEnd('/') + "/", StringComparison.Ordinal);

    private static void AddNetwork(ZInfoDevice info, IReadOnlyList<NetAdapter> adapters,
        IReadOnlyDictionary<string, IReadOnlyList<string>> routers)
    {
        foreach (var a in adapters)
        {
            if (a.Name == "lo") continue; // EVE reports ports, and loopback is none
            var n = new ZInfoNetwork { MacAddr = a.MacAddress, DevName = a.Name, LocalName = a.Name };
            n.IPAddrs.AddRange(a.Addresses);
            if (routers.TryGetValue(a.Name, out var gws)) n.DefaultRouters.AddRange(gws);
            n.Ipv4Up = a.IsUp && a.Addresses.Any(x => IPAddress.TryParse(x, out var ip) && ip.AddressFamily == AddressFamily.InterNetwork);
            n.Uplink = n.Ipv4Up && n.DefaultRouters.Count > 0;
            info.Network.Add(n);
        }
    }
}
