using System.Diagnostics;
using Eve.Appliance.Agent;
using Eve.Appliance.Agent.Apps;
using Eve.Appliance.Agent.Config;
using Eve.Appliance.Api;
using Eve.Appliance.Cli;
using Eve.Appliance.Controller;
using Eve.Appliance.Platform.Qemu;
using Microsoft.Extensions.Logging.Abstractions;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Bench;

/// <summary>An app through the whole appliance: the embedded controller and the agent in this
/// process; per run the operator sets a config with one VM app (kernel + initramfs + qcow2 disk
/// from the built-in datastore), timed until the app's QEMU is started (download over TLS, verify,
/// volumes, admission, QEMU up with QMP) and until the guest's `EVE-TEST-MARKER` is in the app's
/// console log (polled every 10 ms). Then the app and its content leave the config, so every run
/// downloads again. p50 over N runs.</summary>
internal static class AppBench
{
    public static void Run(TextWriter output) => RunAsync(output, runs: 10).GetAwaiter().GetResult();

    public static async Task RunAsync(TextWriter output, int runs)
    {
        var guest = BenchFiles.GuestDir();
        var dir = Directory.CreateTempSubdirectory("evab-").FullName;
        var accel = AccelProbe.Host.Probe();
        output.WriteLine($"app bench: {runs} runs, config set -> QEMU started -> guest marker ({accel.Accel}), {Environment.ProcessorCount} host cores");
        var controller = new ControllerServer(new ControllerOptions { DataDir = Path.Combine(dir, "c"), Listen = "127.0.0.1:0", DefaultConfigIntervalSeconds = 1 },
            NullLoggerFactory.Instance, TimeProvider.System);
        await controller.StartAsync(CancellationToken.None);
        var configDir = Path.Combine(dir, "config");
        Directory.CreateDirectory(configDir);
        foreach (var f in Directory.GetFiles(ControllerServer.BootstrapDir(Path.Combine(dir, "c")))) File.Copy(f, Path.Combine(configDir, Path.GetFileName(f)));
        var apps = new AppsSubsystem(new AppsOptions { RunDir = Path.Combine(dir, "run"), ConsolePollInterval = TimeSpan.FromSeconds(5) });
        var agent = new DeviceAgent(new AgentOptions
        {
            ConfigDir = configDir,
            PersistDir = Path.Combine(dir, "persist"),
            Serial = "SN-bench-apps",
            ConfigIntervalOverride = TimeSpan.FromSeconds(1),
            RetryInterval = TimeSpan.FromMilliseconds(500),
        }, new ConfigHub(), NullLoggerFactory.Instance, TimeProvider.System, subsystems: [apps]);
        await agent.StartAsync(CancellationToken.None);
        var started = new List<double>();
        var marker = new List<double>();
        try
        {
            var deviceId = await agent.Onboarded.WaitAsync(TimeSpan.FromMinutes(1));
            using var admin = new AdminClient(Path.Combine(dir, "c"));
            var images = new List<(string Sha, string Fqdn, string Dpath)>();
            foreach (var file in new[] { "vmlinuz", "initramfs.gz", "disk.qcow2" })
            {
                var r = (await admin.PostAsync("admin/images", new { path = Path.Combine(guest, file) }))!;
                images.Add((r["sha256"]!.GetValue<string>(), r["datastore"]!["fqdn"]!.GetValue<string>(), r["datastore"]!["dpath"]!.GetValue<string>()));
            }
            for (var i = 0; i < runs; i++)
            {
                var appId = Guid.NewGuid();
                var config = await ConfigAsync(admin, deviceId);
                AddApp(config, appId, images);
                var sw = Stopwatch.StartNew();
                await admin.PutTextAsync($"admin/devices/{deviceId}/config", ProtoRegistry.CanonicalJson.Format(config));
                while (apps.Worker(appId)?.Vm is null) await Wait(sw, 10);
                started.Add(sw.Elapsed.TotalMilliseconds);
                var log = apps.Worker(appId)!.SerialLogPath;
                while (!(File.Exists(log) && (await File.ReadAllTextAsync(log)).Contains("EVE-TEST-MARKER", StringComparison.Ordinal))) await Wait(sw, 10);
                marker.Add(sw.Elapsed.TotalMilliseconds);
                output.WriteLine($"  run {i + 1}: QEMU started {started[^1],6:0} ms, marker {marker[^1],6:0} ms");
                var clean = await ConfigAsync(admin, deviceId);
                clean.Apps.Clear();
                clean.Volumes.Clear();
                clean.ContentInfo.Clear();
                clean.Datastores.Clear();
                await admin.PutTextAsync($"admin/devices/{deviceId}/config", ProtoRegistry.CanonicalJson.Format(clean));
                var gone = Stopwatch.StartNew();
                while (apps.Worker(appId) is not null) await Wait(gone, 20);
            }
            output.WriteLine($"config set -> QEMU started p50 {BenchFiles.Median(started):0} ms (min {started.Min():0}, max {started.Max():0})");
            output.WriteLine($"config set -> guest marker p50 {BenchFiles.Median(marker):0} ms (min {marker.Min():0}, max {marker.Max():0})");
        }
        finally
        {
            await agent.StopAsync(CancellationToken.None);
            agent.Dispose();
            await controller.StopAsync(CancellationToken.None);
            StopLeftovers(Path.Combine(dir, "run"));
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task Wait(Stopwatch sw, int ms)
    {
        if (sw.Elapsed > TimeSpan.FromMinutes(3)) throw new TimeoutException("app bench: no progress after 3 minutes");
        await Task.Delay(ms);
    }

    private static async Task<EdgeDevConfig> ConfigAsync(AdminClient admin, string deviceId) =>
        ProtoRegistry.CanonicalJsonParser.Parse<EdgeDevConfig>((await admin.GetAsync($"admin/devices/{deviceId}/config"))!["config"]!.ToJsonString());

    internal static void AddApp(EdgeDevConfig c, Guid appId, List<(string Sha, string Fqdn, string Dpath)> images)
    {
        var ds = Guid.NewGuid().ToString();
        c.Datastores.Add(new DatastoreConfig { Id = ds, DType = DsType.DsHttps, Fqdn = images[0].Fqdn, Dpath = images[0].Dpath });
        var app = new AppInstanceConfig
        {
            Uuidandversion = new UUIDandVersion { Uuid = appId.ToString(), Version = "1" },
            Displayname = "bench",
            Activate = true,
            Fixedresources = new VmConfig { Memory = 256 * 1024, Vcpus = 1, Extraargs = "console=ttyS0 quiet panic=-1 test.hold" },
        };
        var targets = new[] { (Target.Kernel, Format.Raw, 0L), (Target.Initrd, Format.Raw, 0L), (Target.Disk, Format.Qcow2, 32L << 20) };
        for (var i = 0; i < images.Count; i++)
        {
            var (target, format, size) = targets[i];
            var ct = Guid.NewGuid().ToString();
            var vol = Guid.NewGuid().ToString();
            c.ContentInfo.Add(new ContentTree { Uuid = ct, DsId = ds, URL = images[i].Sha, Sha256 = images[i].Sha, Iformat = format });
            c.Volumes.Add(new Volume
            {
                Uuid = vol, Target = target, Maxsizebytes = size,
                Origin = new VolumeContentOrigin { Type = VolumeContentOriginType.VcotDownload, DownloadContentTreeID = ct },
            });
            app.VolumeRefList.Add(new VolumeRef { Uuid = vol });
        }
        c.Apps.Add(app);
    }

    /// <summary>A bench that failed half-way must not leave VMs behind: kill by pidfile, checked
    /// against the command line naming this run folder.</summary>
    private static void StopLeftovers(string runDir)
    {
        if (!Directory.Exists(runDir)) return;
        foreach (var pidFile in Directory.GetFiles(runDir, "*.pid"))
        {
            if (!int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid) || ProcStat.TryRead(pid) is not { IsGone: false } stat) continue;
            if (LinuxProcess.ReadCmdline(pid).Any(a => a.Contains(runDir, StringComparison.Ordinal))) LinuxProcess.Kill(pid, stat.StartTicks);
        }
    }
}
