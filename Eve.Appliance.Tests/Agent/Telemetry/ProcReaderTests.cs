using Eve.Appliance.Agent.Telemetry.Proc;

namespace Eve.Appliance.Tests.Agent.Telemetry;

[TestFixture]
public sealed class ProcReaderTests
{
    [Test]
    public void FakeTree_ParsesEveryFile()
    {
        using var tree = new FakeProcTree();
        var proc = new ProcReader(tree.Root);
        Assert.That(proc.ReadCpuTimes(), Is.EqualTo(new CpuTimes(1000, 50, 300, 8000, 100, 10, 20, 5)));
        Assert.That(proc.ReadMemory(), Is.EqualTo(new MemoryInfo(8388608, 1048576, 5193728, 10000, 2000000)));
        Assert.That(proc.ReadUptimeSeconds(), Is.EqualTo(6000.25));
        Assert.That(proc.ReadLoadAverage(), Is.EqualTo(new LoadAverage(0.5, 0.25, 0.1, 2, 345)));
        Assert.That(proc.ReadSelfRssKb(), Is.EqualTo(204800UL));
        var net = proc.ReadNetDev();
        Assert.That(net.Select(n => n.Name), Is.EqualTo(new[] { "lo", "eth0" }));
        Assert.That(net[1], Is.EqualTo(new NetDevCounters("eth0", 987654321, 250000, 1, 12, 123456789, 100000, 2, 3)));
        var mounts = proc.ReadMounts();
        Assert.That(mounts, Has.Count.EqualTo(1), "proc and tmpfs are not disks");
        Assert.That(mounts[0].Device, Is.EqualTo("/dev/sda9"));
        Assert.That(mounts[0].MountPath, Is.EqualTo(tree.MountDir));
        Assert.That(mounts[0].TotalBytes, Is.GreaterThan(0UL));
        Assert.That(proc.ReadCpuInfo(), Is.EqualTo(new CpuInfo(2, "Test CPU @ 2.00GHz", "GenuineIntel", true)));
        Assert.That(proc.ReadDmi(), Is.EqualTo(new DmiInfo("Supermicro", "SYS-E100-9W", "1.0", "S123456X7890",
            "03000200-0400-0500-0006-000700080009", "American Megatrends Inc.", "1.2a", "05/12/2023")));
        var adapters = proc.ReadNetAdapters();
        Assert.That(adapters.Select(a => (a.Name, a.MacAddress, a.IsUp)),
            Is.EqualTo(new[] { ("eth0", "00:25:90:aa:bb:01", true), ("lo", "00:00:00:00:00:00", false) }));
        Assert.That(proc.ReadDiskIo(), Is.EqualTo(new[] { new DiskIoCounters("sda", 25000, 2048000UL * 512, 12000, 1024000UL * 512) }));
        Assert.That(proc.ReadDefaultRouters()["eth0"], Is.EqualTo(new[] { "192.168.1.1" }));
        var dns = proc.ReadDns();
        Assert.That(dns.Servers, Is.EqualTo(new[] { "192.168.1.1" }));
        Assert.That(dns.Search, Is.EqualTo(new[] { "home.arpa", "lab" }));
    }

    [Test]
    public void FakeTree_BadCounterNamesFileAndLine()
    {
        using var tree = new FakeProcTree();
        tree.Write("proc/stat", "cpu  10 x 3 4\n");
        Assert.That(() => new ProcReader(tree.Root).ReadCpuTimes(),
            Throws.TypeOf<InvalidDataException>().With.Message.Contains("proc/stat").And.Message.Contains("\"x\""));
    }

    [Test]
    public void FakeTree_OldKernelWithoutMemAvailableEstimatesIt()
    {
        using var tree = new FakeProcTree();
        tree.Write("proc/meminfo", "MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 200 kB\n");
        Assert.That(new ProcReader(tree.Root).ReadMemory().AvailableKb, Is.EqualTo(350UL));
    }

    [Test]
    public async Task RealProc_AgreesWithToolsReadingTheSameHost()
    {
        var proc = ProcReader.Host;
        var cpu = proc.ReadCpuInfo();
        Assert.That(cpu.LogicalCpus, Is.EqualTo(Environment.ProcessorCount));
        var nproc = await Eve.Appliance.Platform.Processes.ProcessRunner.Default.RunAsync("nproc", ["--all"]);
        Assert.That(cpu.LogicalCpus, Is.EqualTo(int.Parse(nproc.Stdout.Trim())));
        var memTotal = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:"));
        Assert.That(proc.ReadMemory().TotalKb, Is.EqualTo(ulong.Parse(memTotal.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1])));
        Assert.That(proc.ReadUptimeSeconds(), Is.GreaterThan(0));
        Assert.That(proc.ReadSelfRssKb(), Is.GreaterThan(1024UL), "a .NET test host uses more than 1 MB");
        Assert.That(proc.ReadNetDev().Select(n => n.Name), Does.Contain("lo"));
        var root = proc.ReadMounts().Single(m => m.MountPath == "/");
        var df = await Eve.Appliance.Platform.Processes.ProcessRunner.Default.RunAsync("python3",
            ["-c", "import os;s=os.statvfs('/');print(s.f_blocks*s.f_frsize)"]);
        Assert.That(root.TotalBytes, Is.EqualTo(ulong.Parse(df.Stdout.Trim())));
        var adapters = proc.ReadNetAdapters();
        Assert.That(adapters.Select(a => a.Name), Is.EquivalentTo(Directory.GetFileSystemEntries("/sys/class/net").Select(Path.GetFileName)));
        Assert.That(adapters.Single(a => a.Name == "lo").Addresses, Does.Contain("127.0.0.1"));
    }
}
