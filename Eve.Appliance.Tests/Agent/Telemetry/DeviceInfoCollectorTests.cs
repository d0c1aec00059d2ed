using Eve.Appliance.Agent.Telemetry;
using Eve.Appliance.Agent.Telemetry.Proc;
using Eve.Appliance.Platform.Processes;
using Eve.Appliance.Tests.Api;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Tests.Agent.Telemetry;

[TestFixture]
public sealed class DeviceInfoCollectorTests
{
    private const string DevId = "5d0767ee-0547-4569-b530-387e526f8cb9";

    [Test]
    public void FakeTree_FillsHardwareFieldsAndPassesInputsThrough()
    {
        using var tree = new FakeProcTree();
        var clock = new FakeClock();
        var inputs = new DeviceInfoInputs
        {
            PersistPath = tree.MountDir + "/status",
            HostName = "edge-node-042",
            DeviceName = "edge-node-042",
            SoftwarePartitions = [new ZInfoDevSW { PartitionLabel = "IMGA", Activated = true, Status = ZSwState.Installed }],
            SystemAdapter = new SystemAdapterInfo { CurrentIndex = 0 },
            LastRebootReason = "Reboot from controller",
            LastRebootTime = clock.GetUtcNow().AddMinutes(-100),
            LastBootReason = BootReason.RebootCmd,
            HsmStatus = HwSecurityModuleStatus.Enabled,
            HardwareWatchdogPresent = true,
        };
        var msg = new DeviceInfoCollector(new ProcReader(tree.Root), clock, DevId).Collect(inputs);
        Assert.That(msg.Ztype, Is.EqualTo(ZInfoTypes.ZiDevice));
        Assert.That(msg.InfoContentCase, Is.EqualTo(ZInfoMsg.InfoContentOneofCase.Dinfo));
        var d = msg.Dinfo;
        Assert.That(d.Ncpu, Is.EqualTo(2u));
        Assert.That(d.Memory, Is.EqualTo(8192UL));
        Assert.That(d.Minfo, Is.EqualTo(new ZInfoManufacturer
        {
            Manufacturer = "Supermicro", ProductName = "SYS-E100-9W", Version = "1.0", SerialNumber = "S123456X7890",
            UUID = "03000200-0400-0500-0006-000700080009", BiosVendor = "American Megatrends Inc.", BiosVersion = "1.2a", BiosReleaseDate = "05/12/2023",
        }));
        Assert.That(d.Network.Select(n => (n.DevName, n.MacAddr)), Is.EqualTo(new[] { ("eth0", "00:25:90:aa:bb:01") }), "lo is not a port");
        Assert.That(d.Network[0].DefaultRouters, Is.EqualTo(new[] { "192.168.1.1" }));
        Assert.That(d.Dns.DNSservers, Is.EqualTo(new[] { "192.168.1.1" }));
        Assert.That(d.StorageList.Single().StorageLocation, Is.True);
        Assert.That(d.Storage, Is.EqualTo(d.StorageList[0].Total).And.GreaterThan(0UL));
        Assert.That(d.BootTime, Is.EqualTo(Timestamp.FromDateTimeOffset(clock.GetUtcNow().AddSeconds(-6000))));
        Assert.That(d.Capabilities.HWAssistedVirtualization, Is.True);
        Assert.That(d.SwList.Single().PartitionLabel, Is.EqualTo("IMGA"));
        Assert.That(d.LastRebootReason, Is.EqualTo("Reboot from controller"));
        Assert.That(d.LastRebootTime, Is.EqualTo(Timestamp.FromDateTimeOffset(clock.GetUtcNow().AddMinutes(-100))));
        Assert.That(d.LastBootReason, Is.EqualTo(BootReason.RebootCmd));
        Assert.That(d.HostName, Is.EqualTo("edge-node-042"));
        Assert.That(d.HSMStatus, Is.EqualTo(HwSecurityModuleStatus.Enabled));
        Assert.That(d.HardwareWatchdogPresent, Is.True);
        Assert.That(d.State, Is.EqualTo(ZDeviceState.Online));
        Assert.That(ZInfoMsg.Parser.ParseFrom(msg.ToByteArray()), Is.EqualTo(msg));
    }

    [Test]
    public void FakeTree_SetsEveryHostFieldTheVectorHas()
    {
        // Field by field against zinfo_device: each field the vector sets and the host can know is set by us too.
        using var tree = new FakeProcTree();
        var ours = new DeviceInfoCollector(new ProcReader(tree.Root), new FakeClock(), DevId)
            .Collect(new DeviceInfoInputs { PersistPath = tree.MountDir }).Dinfo;
        string[] hostFields = ["machineArch", "cpuArch", "platform", "ncpu", "memory", "storage", "minfo", "network", "storageList", "bootTime", "HostName", "capabilities", "state"];
        var vector = ZInfoMsg.Parser.ParseFrom(VectorFiles.Bytes("zinfo_device")).Dinfo;
        foreach (var name in hostFields)
        {
            var field = ZInfoDevice.Descriptor.FindFieldByName(name);
            Assert.That(field, Is.Not.Null, name);
            Assert.That(IsSet(field!, vector), Is.True, $"vector lacks {name}: the list is wrong");
            Assert.That(IsSet(field!, ours), Is.True, $"collector leaves {name} unset");
        }
    }

    [Test]
    public async Task RealMachine_InfoMatchesTheHost()
    {
        var msg = new DeviceInfoCollector(ProcReader.Host, TimeProvider.System, DevId).Collect(new DeviceInfoInputs { PersistPath = "/" });
        var d = msg.Dinfo;
        var uname = await ProcessRunner.Default.RunAsync("uname", ["-m"]);
        Assert.That(d.MachineArch, Is.EqualTo(uname.Stdout.Trim()));
        Assert.That(d.Ncpu, Is.EqualTo((uint)Environment.ProcessorCount));
        var memTotalKb = ulong.Parse(File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        Assert.That(d.Memory, Is.EqualTo((double)memTotalKb / 1024).Within(0.5));
        Assert.That(d.Storage, Is.GreaterThan(0UL));
        Assert.That(d.StorageList.Single(s => s.MountPath == "/").StorageLocation, Is.True);
        foreach (var ifDir in Directory.GetFileSystemEntries("/sys/class/net").Where(p => Path.GetFileName(p) != "lo"))
        {
            var name = Path.GetFileName(ifDir);
            var port = d.Network.Single(n => n.DevName == name);
            Assert.That(port.MacAddr, Is.EqualTo(File.ReadAllText(Path.Combine(ifDir, "address")).Trim()), name);
        }
        var uptime = double.Parse(File.ReadAllText("/proc/uptime").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(d.BootTime.ToDateTimeOffset(), Is.EqualTo(DateTimeOffset.UtcNow.AddSeconds(-uptime)).Within(TimeSpan.FromSeconds(10)));
        Assert.That(d.HostName, Is.EqualTo(Environment.MachineName));
        Assert.That(d.Minfo, Is.Not.Null, "minfo is always present, even when the host has no DMI");
    }

    private static bool IsSet(Google.Protobuf.Reflection.FieldDescriptor field, IMessage message)
    {
        var value = field.Accessor.GetValue(message);
        return value switch
        {
            null => false,
            System.Collections.IList list => list.Count > 0,
            string s => s.Length > 0,
            IMessage => true,
            _ => !value.Equals(Activator.CreateInstance(value.GetType())),
        };
    }
}
