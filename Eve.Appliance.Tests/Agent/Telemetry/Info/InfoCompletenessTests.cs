using System.Text.Json.Nodes;
using Eve.Appliance.Agent.Apps;
using Eve.Appliance.Agent.BaseOs;
using Eve.Appliance.Agent.Networks;
using Eve.Appliance.Cli;
using Eve.Appliance.Tests.Api;
using Eve.Appliance.Tests.Support;
using Google.Protobuf;
using Org.Lfedge.Eve.Config;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Tests.Agent.Telemetry.Info;

/// <summary>Every info kind the agent publishes, field by field against what EVE fills in the upstream
/// vectors (zinfo_device, zinfo_volume, zinfo_network_instance) and, for kinds without a vector (app,
/// content tree), against the fields EVE's zedagent fills (WIRE.md C.4). Each field EVE fills must be
/// filled by us, or be listed here with the reason we leave it empty; a listed field we do fill fails
/// too, so the lists stay true. Values are checked for sanity where the test can know them.</summary>
[TestFixture]
public sealed class InfoCompletenessTests
{
    private static void AssertComplete(string kind, IMessage eve, IMessage ours, IReadOnlyDictionary<string, string> leftEmpty)
    {
        var expected = FilledFields.Of(eve);
        var filled = FilledFields.Of(ours);
        var missing = expected.Where(p => !filled.Contains(p) && !leftEmpty.ContainsKey(p)).ToList();
        var listedButFilled = leftEmpty.Keys.Where(filled.Contains).ToList();
        TestContext.Out.WriteLine($"{kind}: EVE fills {expected.Count} paths, we fill {filled.Count}; left empty on purpose:");
        foreach (var (path, why) in leftEmpty) TestContext.Out.WriteLine($"  {path}: {why}");
        Assert.Multiple(() =>
        {
            Assert.That(missing, Is.Empty, $"{kind}: fields EVE fills that we leave empty without a reason");
            Assert.That(listedButFilled, Is.Empty, $"{kind}: fields listed as left empty that we do fill (update the list)");
        });
    }

    private static ZInfoMsg Vector(string name) => ZInfoMsg.Parser.ParseFrom(VectorFiles.Bytes(name));

    private static EdgeDevConfig VectorConfig() => EdgeDevConfig.Parser.ParseFrom(VectorFiles.Bytes("edgedevconfig_a"));

    /// <summary>Device info from a real `eve-appliance run` (no TPM, no boot disk, no apps), as the
    /// controller stored it.</summary>
    [Test]
    public async Task DeviceInfo_FromARealAppliance_FillsWhatEveFills()
    {
        using var dir = new TempDir("info-complete");
        var data = dir.Sub("data");
        var port = ApplianceProcess.FreePort();
        using var appliance = ApplianceProcess.Start("run", "--data-dir", data, "--listen", $"127.0.0.1:{port}", "--tpm", "none", "--serial", "SN-info-complete");
        ZInfoMsg? ours = null;
        try
        {
            await Eventually.WaitAsync(() => File.Exists(Path.Combine(data, "run", "admin.sock")), () => "appliance up: " + appliance.Output);
            using var admin = new AdminClient(data);
            await Eventually.WaitAsync(async () =>
            {
                var device = (await admin.GetAsync("admin/devices"))?.AsArray().FirstOrDefault();
                if (device == null) return false;
                var info = ((await admin.GetAsync($"admin/devices/{device["id"]}/info")) as JsonArray)?.FirstOrDefault(i => i!["kind"]!.GetValue<string>() == "ZiDevice");
                if (info == null) return false;
                ours = JsonParser.Default.Parse<ZInfoMsg>(info["message"]!.ToJsonString());
                return true;
            }, () => "device info: " + appliance.Output);
            await appliance.StopAsync();
        }
        finally
        {
            TestContext.Out.WriteLine(appliance.Output.Length > 4000 ? appliance.Output[^4000..] : appliance.Output);
        }

        var d = ours!.Dinfo;
        var dmi = File.Exists("/sys/class/dmi/id/sys_vendor");
        var leftEmpty = new Dictionary<string, string>
        {
            ["dinfo.network[].networkErr"] = "only when a port has an error; this host's ports have none",
            ["dinfo.network[].networkErr.description"] = "idem",
            ["dinfo.network[].networkErr.timestamp"] = "idem",
            ["dinfo.network[].networkErr.timestamp.seconds"] = "idem",
            ["dinfo.network[].networkErr.severity"] = "idem",
            ["dinfo.network[].dns"] = "per-port DNS comes from the port's DHCP on managed ports (--mgmt-netns); unmanaged, the device's resolv.conf is in dinfo.dns",
            ["dinfo.network[].dns.DNSservers"] = "idem",
            ["dinfo.network[].dns.DNSdomain"] = "idem",
            ["dinfo.network[].ntp_servers"] = "NTP servers per port come from DHCP on managed ports; an unmanaged host's are not ours to know",
            ["dinfo.assignableAdapters"] = "no adapter can be passed through here (no vfio/IOMMU); COM ports appear only when configured for an app",
            ["dinfo.assignableAdapters[].type"] = "idem",
            ["dinfo.assignableAdapters[].name"] = "idem",
            ["dinfo.assignableAdapters[].members"] = "idem",
            ["dinfo.assignableAdapters[].usedByBaseOS"] = "idem",
            ["dinfo.assignableAdapters[].usedByAppUUID"] = "idem",
            ["dinfo.assignableAdapters[].usage"] = "idem",
            ["dinfo.swList"] = "partitions are reported only on a dedicated box started with --boot-disk (checked by BaseOsSwList_FillsWhatEveFills)",
            ["dinfo.swList[].activated"] = "idem",
            ["dinfo.swList[].partitionLabel"] = "idem",
            ["dinfo.swList[].partitionDevice"] = "idem",
            ["dinfo.swList[].partitionState"] = "idem",
            ["dinfo.swList[].status"] = "idem",
            ["dinfo.swList[].shortVersion"] = "idem",
            ["dinfo.swList[].longVersion"] = "idem",
            ["dinfo.swList[].userStatus"] = "idem",
            ["dinfo.lastRebootReason"] = "node health (--boot-disk) keeps the boot history; a workstation `run` never reboots the machine",
            ["dinfo.lastRebootTime"] = "idem",
            ["dinfo.lastRebootTime.seconds"] = "idem",
            ["dinfo.rebootConfigCounter"] = "idem (0 until the controller orders a reboot)",
            ["dinfo.last_boot_reason"] = "idem",
            ["dinfo.device_name"] = "echoes the config's device_name (EVE does the same); the embedded controller names a device only when the operator gives it a name",
            ["dinfo.appInstances"] = "no apps in this run (app info: AppInfo_FillsWhatEveFills)",
            ["dinfo.appInstances[].uuid"] = "idem",
            ["dinfo.appInstances[].name"] = "idem",
            ["dinfo.appInstances[].domainName"] = "idem",
            ["dinfo.hardware_watchdog_present"] = "no /dev/watchdog here: false is the true answer",
            ["dinfo.capabilities.IOVirtualization"] = "no IOMMU passthrough (vfio) here: false is the true answer",
            ["dinfo.baseos_update_counter"] = "echoes the config's baseos.retry_update counter; 0 until the controller asks for a retry",
            ["dinfo.api_capability"] = "we claim no optional API capability until each is implemented and tested",
        };
        if (!dmi)
            foreach (var f in new[] { "manufacturer", "productName", "version", "serialNumber", "UUID", "biosVendor", "biosVersion", "biosReleaseDate" })
                leftEmpty[$"dinfo.minfo.{f}"] = "this host has no DMI (/sys/class/dmi)";
        if (!File.ReadAllText("/proc/cpuinfo").Split(' ', '\n', '\t').Any(w => w is "vmx" or "svm"))
            leftEmpty["dinfo.capabilities.HWAssistedVirtualization"] = "this CPU shows no vmx/svm (QEMU runs TCG here): false is the true answer";
        AssertComplete("ZiDevice", Vector("zinfo_device"), ours, leftEmpty);

        Assert.Multiple(() =>
        {
            Assert.That(ours.Ztype, Is.EqualTo(ZInfoTypes.ZiDevice));
            Assert.That(Guid.TryParse(ours.DevId, out _), Is.True);
            Assert.That(d.Ncpu, Is.EqualTo((uint)Environment.ProcessorCount));
            var memTotalMb = long.Parse(File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
            Assert.That((long)d.Memory, Is.InRange(memTotalMb - 1, memTotalMb + 1), "memory in MB, from /proc/meminfo");
            Assert.That(d.Storage, Is.GreaterThan(0UL));
            Assert.That(d.StorageList.Count(s => s.StorageLocation), Is.EqualTo(1), "exactly one mount holds persist");
            Assert.That(d.BootTime.ToDateTime(), Is.LessThan(DateTime.UtcNow).And.GreaterThan(DateTime.UtcNow.AddDays(-365)));
            Assert.That(d.HostName, Is.EqualTo(Environment.MachineName));
            Assert.That(d.Network, Is.Not.Empty);
            Assert.That(d.Network.All(n => n.DevName != "" && n.MacAddr.Length == 17), Is.True, "ports have a name and a MAC");
            Assert.That(d.HSMStatus, Is.EqualTo(HwSecurityModuleStatus.Notfound));
            Assert.That(d.State, Is.EqualTo(ZDeviceState.Online));
            Assert.That(d.MachineArch, Is.EqualTo(d.CpuArch));
        });
    }

    [Test]
    public void VolumeInfo_FillsWhatEveFills()
    {
        var eve = Vector("zinfo_volume");
        // Built from the config's volume as DesiredApps does (its app needs datastore secrets this test has not).
        var v = VectorConfig().Volumes.Single(x => x.Uuid == eve.Vinfo.Uuid);
        var intent = new VolumeIntent(Guid.Parse(v.Uuid), v.DisplayName, null, v.Target, v.Maxsizebytes, v.GenerationCount, v.Readonly);
        using var dir = new TempDir("info-volume");
        var file = Path.Combine(dir.Path, "disk.qcow2");
        File.WriteAllBytes(file, new byte[64 * 1024]);
        var ours = AppInfoBuilder.Volume(intent, ZSwState.CreatedVolume, null, DateTimeOffset.UtcNow, 100, new FileInfo(file));
        ours.DevId = eve.DevId;
        ours.AtTimeStamp = eve.AtTimeStamp;
        AssertComplete("ZiVolume", eve, ours, new Dictionary<string, string>());
        Assert.That(ours.Vinfo.Resources.MaxSizeBytes, Is.EqualTo((ulong)intent.MaxSizeBytes));
        Assert.That(ours.Vinfo.Resources.CurSizeBytes, Is.EqualTo(64UL * 1024));
        Assert.That(ours.Vinfo.Usage.RefCount, Is.EqualTo(1u));
    }

    [Test]
    public void NetworkInstanceInfo_FillsWhatEveFills()
    {
        var eve = Vector("zinfo_network_instance");
        var config = VectorConfig().NetworkInstances.Single(n => n.Uuidandversion.Uuid == eve.Niinfo.NetworkID);
        var app = "a1b2c3d4-0002-4a5b-8c9d-0123456789ab";
        var status = new NetworkInstanceStatus(config.Uuidandversion.Uuid, config.Displayname, config.InstType, NetworkNames.Bridge(config.Uuidandversion.Uuid),
            "10.1.0.0/24", "10.1.0.1", "eth0", [new AppAddress(app, "ubuntu-vm", 0, NetworkNames.Vif(app, 0), "02:16:3e:00:00:01", "10.1.0.11", "ubuntu-vm", [])], []);
        var ours = new ZInfoMsg
        {
            Ztype = ZInfoTypes.ZiNetworkInstance, DevId = eve.DevId, AtTimeStamp = eve.AtTimeStamp,
            Niinfo = NetworkInfoReports.InfoOf(status, config, [], DateTimeOffset.UtcNow),
        };
        AssertComplete("ZiNetworkInstance", eve, ours, new Dictionary<string, string>
        {
            ["niinfo.bridgeNum"] = "bridges are named from the instance UUID (bn-<8 hex>) so a restart finds them; there is no bridge number to report",
        });
        Assert.That(ours.Niinfo.Mtu, Is.EqualTo(config.Mtu > 0 ? config.Mtu : 1500u));
        Assert.That(ours.Niinfo.Activated, Is.True);
    }

    /// <summary>No vector: the fields zedagent fills for an app instance (WIRE.md ZInfoApp), from the
    /// vector config's first app, running, with one interface.</summary>
    [Test]
    public void AppInfo_FillsWhatEveFills()
    {
        var intent = DesiredApps.Compute(VectorConfig()).Apps.First();
        var record = new AppRecord { Id = intent.Id, Name = intent.Name, State = ZSwState.Running, BootTime = DateTimeOffset.UtcNow.AddMinutes(-3) };
        var port = new ZInfoNetwork { MacAddr = "02:16:3e:00:00:01", DevName = "nbu1x1", IPAddrs = { "10.1.0.11" }, Ipv4Up = true };
        var ours = AppInfoBuilder.App(intent, record, [port]);
        var eve = new ZInfoMsg
        {
            Ztype = ZInfoTypes.ZiApp,
            Ainfo = new ZInfoApp
            {
                AppID = "x", AppVersion = "x", AppName = "x", State = ZSwState.Running, BootTime = new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = 1 },
                Network = { port }, VolumeRefs = { "x" }, AssignedAdapters = { new ZioBundle { Name = "x" } }, Snapshots = { new ZInfoSnapshot { Id = "x" } },
            },
        };
        AssertComplete("ZiApp", eve, ours, new Dictionary<string, string>
        {
            ["ainfo.assignedAdapters"] = "filled only for apps with passthrough adapters (COM); PCI passthrough is not available here",
            ["ainfo.assignedAdapters[].name"] = "idem",
            ["ainfo.snapshots"] = "volume snapshots are not implemented (the controller is told: no API_CAPABILITY_VOLUME_SNAPSHOTS)",
            ["ainfo.snapshots[].id"] = "idem",
        });
        Assert.That(ours.Ainfo.AppID, Is.EqualTo(intent.Id.ToString()));
        Assert.That(ours.Ainfo.VolumeRefs, Is.EqualTo(intent.Volumes.Select(v => v.Id.ToString())));
    }

    /// <summary>No vector: the fields volumemgr fills for a content tree (WIRE.md ZInfoContentTree), loaded.</summary>
    [Test]
    public void ContentTreeInfo_FillsWhatEveFills()
    {
        var intent = DesiredApps.Compute(VectorConfig()).Apps.SelectMany(a => a.Volumes).Select(v => v.Content).OfType<ContentIntent>().First();
        var ours = AppInfoBuilder.ContentTree(intent, ZSwState.Loaded, 100, 123456, null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(-1));
        var ts = new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = 1 };
        var eve = new ZInfoMsg
        {
            Ztype = ZInfoTypes.ZiContentTree,
            Cinfo = new ZInfoContentTree
            {
                Uuid = "x", DisplayName = "x", Sha256 = "x", Resources = new ContentResources { CurSizeBytes = 1 },
                Usage = new UsageInfo { CreateTime = ts, RefCount = 1, LastRefcountChangeTime = ts }, State = ZSwState.Loaded, ProgressPercentage = 100,
                ComponentShaList = { "x" }, GenerationCount = intent.Generation,
            },
        };
        AssertComplete("ZiContentTree", eve, ours, new Dictionary<string, string>());
        Assert.That(ours.Cinfo.Sha256, Is.EqualTo(intent.Sha256));
        Assert.That(ours.Cinfo.Resources.CurSizeBytes, Is.EqualTo(123456UL));
    }

    /// <summary>Base-OS partitions (device info swList) as the base-OS subsystem reports them on a box
    /// running from IMGA with IMGB unused, against the vector's swList.</summary>
    [Test]
    public void BaseOsSwList_FillsWhatEveFills()
    {
        var eve = new ZInfoMsg { Dinfo = new ZInfoDevice() };
        eve.Dinfo.SwList.AddRange(Vector("zinfo_device").Dinfo.SwList);
        var report = new BaseOsReport(TimeProvider.System);
        report.Partitions("IMGA", "IMGB", new BaseOsSlots(EvePartitionState.Active, EvePartitionState.Unused), "14.5.1-lts-kvm-amd64", "");
        var ours = new ZInfoMsg { Dinfo = new ZInfoDevice() };
        report.Contribute(ours.Dinfo);
        AssertComplete("swList", eve, ours, new Dictionary<string, string>
        {
            ["dinfo.swList[].partitionDevice"] = "the A/B image is a disk or image file named at start (--boot-disk); the partition's device path is not tracked yet",
        });
        Assert.That(ours.Dinfo.SwList.Select(s => s.PartitionLabel), Is.EqualTo(new[] { "IMGA", "IMGB" }));
    }
}
