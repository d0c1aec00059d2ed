using System.Globalization;
using System.Net.NetworkInformation;

namespace Eve.Appliance.Agent.Telemetry.Proc;

/// <summary>Reads /proc and /sys below <see cref="Root"/> ("/" on the host; a temp tree in tests).
/// Every parse error names the file and the line so a kernel format change is easy to find.</summary>
internal sealed class ProcReader(string root = "/") : IProcReader
{
    // Filesystems that hold data; tmpfs, proc, cgroup and friends are not "disk" for metrics.
    private static readonly HashSet<string> DiskFsTypes =
        ["ext2", "ext3", "ext4", "xfs", "btrfs", "vfat", "f2fs", "zfs", "overlay", "squashfs", "ntfs", "exfat"];

    public static ProcReader Host { get; } = new();

    public string Root { get; } = root;

    private string PathOf(string rel) => Path.Combine(Root, rel);

    public CpuTimes ReadCpuTimes()
    {
        const string file = "proc/stat";
        foreach (var line in File.ReadLines(PathOf(file)))
        {
            if (!line.StartsWith("cpu ", StringComparison.Ordinal)) continue;
            var f = Fields(line);
            ulong At(int i) => i < f.Length ? ParseU64(f[i], file, line) : 0;
            return new CpuTimes(At(1), At(2), At(3), At(4), At(5), At(6), At(7), At(8));
        }
        throw new InvalidDataException($"{PathOf(file)} has no aggregate \"cpu \" line");
    }

    public MemoryInfo ReadMemory()
    {
        const string file = "proc/meminfo";
        ulong total = 0, free = 0, available = 0, buffers = 0, cached = 0;
        var sawAvailable = false;
        foreach (var line in File.ReadLines(PathOf(file)))
        {
            var colon = line.IndexOf(':');
            if (colon < 0) continue;
            var key = line.AsSpan(0, colon);
            var value = ParseU64(Fields(line[(colon + 1)..])[0], file, line);
            switch (key)
            {
                case "MemTotal": total = value; break;
                case "MemFree": free = value; break;
                case "MemAvailable": available = value; sawAvailable = true; break;
                case "Buffers": buffers = value; break;
                case "Cached": cached = value; break;
            }
        }
        if (total == 0) throw new InvalidDataException($"{PathOf(file)} has no MemTotal");
        // Kernels before 3.14 lack MemAvailable; free + buffers + cache is the classic estimate.
        if (!sawAvailable) available = Math.Min(total, free + buffers + cached);
        return new MemoryInfo(total, free, available, buffers, cached);
    }

    public double ReadUptimeSeconds()
    {
        var text = File.ReadAllText(PathOf("proc/uptime"));
        return ParseDouble(Fields(text)[0], "proc/uptime", text);
    }

    public IReadOnlyList<NetDevCounters> ReadNetDev()
    {
        const string file = "proc/net/dev";
        var result = new List<NetDevCounters>();
        foreach (var line in File.ReadLines(PathOf(file)).Skip(2))
        {
            var colon = line.IndexOf(':');
            if (colon < 0) continue;
            var name = line[..colon].Trim();
            var f = Fields(line[(colon + 1)..]);
            if (f.Length < 16) throw new InvalidDataException($"{PathOf(file)}: interface {name} has {f.Length} counters, expected 16: {line}");
            ulong At(int i) => ParseU64(f[i], file, line);
            result.Add(new NetDevCounters(name, At(0), At(1), At(2), At(3), At(8), At(9), At(10), At(11)));
        }
        return result;
    }

    public LoadAverage ReadLoadAverage()
    {
        const string file = "proc/loadavg";
        var text = File.ReadAllText(PathOf(file));
        var f = Fields(text);
        var slash = f[3].IndexOf('/');
        return new LoadAverage(ParseDouble(f[0], file, text), ParseDouble(f[1], file, text), ParseDouble(f[2], file, text),
            int.Parse(f[3][..slash], CultureInfo.InvariantCulture), int.Parse(f[3][(slash + 1)..], CultureInfo.InvariantCulture));
    }

    public ulong ReadSelfRssKb()
    {
        const string file = "proc/self/status";
        foreach (var line in File.ReadLines(PathOf(file)))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) return ParseU64(Fields(line)[1], file, line);
        }
        return 0; // kernel threads have no VmRSS; a process always does, so 0 means "unknown"
    }

    public IReadOnlyList<MountUsage> ReadMounts()
    {
        var result = new List<MountUsage>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(PathOf("proc/mounts")))
        {
            var f = Fields(line);
            if (f.Length < 3) continue;
            var (device, mountPath, fsType) = (f[0], UnescapeMount(f[1]), f[2]);
            if (!DiskFsTypes.Contains(fsType) || !seen.Add(mountPath)) continue;
            try
            {
                // DriveInfo does statvfs(2) for us; no P/Invoke needed.
                var drive = new DriveInfo(mountPath);
                result.Add(new MountUsage(device, mountPath, fsType, (ulong)drive.TotalSize, (ulong)drive.TotalFreeSpace,
                    (ulong)drive.AvailableFreeSpace));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                // A mount we may not stat (another namespace's, a stale NFS) is skipped, not fatal.
            }
        }
        return result;
    }

    public CpuInfo ReadCpuInfo()
    {
        var processors = 0;
        string model = "", vendor = "";
        var virt = false;
        foreach (var line in File.ReadLines(PathOf("proc/cpuinfo")))
        {
            var colon = line.IndexOf(':');
            if (colon < 0) continue;
            var key = line.AsSpan(0, colon).Trim();
            var value = line[(colon + 1)..].Trim();
            if (key is "processor") processors++;
            else if (key is "model name" && model.Length == 0) model = value;
            else if (key is "vendor_id" && vendor.Length == 0) vendor = value;
            else if (key is "flags" && !virt) virt = value.Split(' ').Any(x => x is "vmx" or "svm");
        }
        return new CpuInfo(processors > 0 ? processors : Environment.ProcessorCount, model, vendor, virt);
    }

    public DmiInfo ReadDmi()
    {
        string Read(string name)
        {
            try
            {
                return File.ReadAllText(PathOf("sys/class/dmi/id/" + name)).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return "";
            }
        }
        return new DmiInfo(Read("sys_vendor"), Read("product_name"), Read("product_version"), Read("product_serial"),
            Read("product_uuid"), Read("bios_vendor"), Read("bios_version"), Read("bios_date"));
    }

    public IReadOnlyList<NetAdapter> ReadNetAdapters()
    {
        var dir = PathOf("sys/class/net");
        if (!Directory.Exists(dir)) return [];
        // Addresses come from the kernel via .NET (netlink); only meaningful for the host's own tree.
        var hostAddresses = Root == "/" ? HostAddresses() : new Dictionary<string, List<string>>();
        var result = new List<NetAdapter>();
        foreach (var ifDir in Directory.GetFileSystemEntries(dir).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(ifDir);
            var mac = ReadOptional(Path.Combine(ifDir, "address"));
            var state = ReadOptional(Path.Combine(ifDir, "operstate"));
            result.Add(new NetAdapter(name, mac, state is "up" or "unknown",
                hostAddresses.TryGetValue(name, out var a) ? a : []));
        }
        return result;
    }

    public IReadOnlyList<DiskIoCounters> ReadDiskIo()
    {
        const string file = "proc/diskstats";
        var result = new List<DiskIoCounters>();
        if (!File.Exists(PathOf(file))) return result;
        foreach (var line in File.ReadLines(PathOf(file)))
        {
            var f = Fields(line);
            if (f.Length < 10) continue;
            var name = f[2];
            if (name.StartsWith("loop", StringComparison.Ordinal) || name.StartsWith("ram", StringComparison.Ordinal)
                || name.StartsWith("zram", StringComparison.Ordinal) || !Directory.Exists(PathOf("sys/block/" + name))) continue;
            result.Add(new DiskIoCounters(name, ParseU64(f[3], file, line), ParseU64(f[5], file, line) * 512,
                ParseU64(f[7], file, line), ParseU64(f[9], file, line) * 512));
        }
        return result;
    }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> ReadDefaultRouters()
    {
        const string file = "proc/net/route";
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (!File.Exists(PathOf(file))) return result;
        foreach (var line in File.ReadLines(PathOf(file)).Skip(1))
        {
            var f = Fields(line);
            if (f.Length < 8 || f[1] != "00000000" || f[7] != "00000000") continue; // default route: dst 0/0
            // The gateway is the kernel's u32 printed in hex, so the bytes are in host (little-endian) order.
            var gw = uint.Parse(f[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var address = new System.Net.IPAddress(BitConverter.IsLittleEndian ? gw : System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(gw)).ToString();
            var list = result.TryGetValue(f[0], out var existing) ? existing.ToList() : [];
            if (!list.Contains(address)) list.Add(address);
            result[f[0]] = list;
        }
        return result;
    }

    public DnsConfig ReadDns()
    {
        var path = PathOf("etc/resolv.conf");
        var servers = new List<string>();
        var search = new List<string>();
        var domain = "";
        if (File.Exists(path))
        {
            foreach (var line in File.ReadLines(path))
            {
                var f = Fields(line);
                if (f.Length < 2 || f[0].StartsWith('#')) continue;
                if (f[0] == "nameserver") servers.Add(f[1]);
                else if (f[0] == "domain") domain = f[1];
                else if (f[0] == "search") search.AddRange(f.Skip(1));
            }
        }
        return new DnsConfig(servers, domain, search);
    }

    private static Dictionary<string, List<string>> HostAddresses()
    {
        var map = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            map[nic.Name] = nic.GetIPProperties().UnicastAddresses.Select(u => u.Address.ToString()).ToList();
        }
        return map;
    }

    private static string ReadOptional(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : "";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    // /proc/mounts escapes space, tab, newline and backslash as octal.
    private static string UnescapeMount(string s) =>
        s.Contains('\\') ? s.Replace("\\040", " ").Replace("\\011", "\t").Replace("\\012", "\n").Replace("\\134", "\\") : s;

    private static string[] Fields(string line) => line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    private ulong ParseU64(string s, string file, string line) =>
        ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v)
            ? v : throw new InvalidDataException($"{PathOf(file)}: \"{s}\" is not a counter in line: {line}");

    private double ParseDouble(string s, string file, string line) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v : throw new InvalidDataException($"{PathOf(file)}: \"{s}\" is not a number in: {line.Trim()}");
}
