using System.Diagnostics;
using Eve.Appliance.Agent.Networks;
using Eve.Appliance.Platform.Net;
using Eve.Appliance.Platform.Processes;
using Eve.Appliance.Platform.Qemu;
using Org.Lfedge.Eve.Common;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Bench;

/// <summary>A VM on a local network instance, as the appliance runs it: the networks reconciler builds
/// the instance (bridge, dnsmasq, nft) and the app's tap in a fresh namespace, the supervisor starts the
/// test guest inside that namespace on the tap. Measured per boot, from StartAsync: the DHCP lease in
/// dnsmasq's lease file (polled every 10 ms) and the guest's `EVE-TEST-DHCP` marker; p50 over N boots,
/// each with a new app (new tap and MAC, so every lease is a fresh DISCOVER). Everything it creates is
/// removed: VMs by `quit`, the instance by an empty pass, then the namespace.</summary>
internal static class AppNetBench
{
    public static void Run(TextWriter output) => RunAsync(output, runs: 5).GetAwaiter().GetResult();

    public static async Task RunAsync(TextWriter output, int runs)
    {
        var guest = BenchFiles.GuestDir();
        var accel = AccelProbe.Host.Probe();
        var runner = ProcessRunner.Default;
        var dir = Directory.CreateTempSubdirectory("eveb-net-").FullName;
        var ns = $"eveb-net-{Guid.NewGuid().ToString("N")[..6]}";
        const string Ni = "b0b0b0b0-0000-4000-8000-000000000001";
        await runner.RunAsync("ip", ["netns", "add", ns]);
        var options = new NetworksOptions(ns, Path.Combine(dir, "run"));
        var reconciler = NetworksReconciler.Create(options, runner);
        var dnsmasq = new DnsmasqSupervisor(runner, options.RunDir);
        var supervisor = new QemuSupervisor(runner, new QemuSupervisorOptions { PollInterval = TimeSpan.FromMilliseconds(100) });
        var instance = new NetworkInstanceConfig
        {
            Uuidandversion = new UUIDandVersion { Uuid = Ni, Version = "1" },
            InstType = ZNetworkInstType.ZnetInstLocal,
            Activate = true,
            Ip = new ipspec { Subnet = "10.94.0.0/24" },
        };
        var lease = new List<double>();
        var marker = new List<double>();
        output.WriteLine($"appnet bench: {runs} boots of the test guest on a local network instance ({accel.Accel}), tap in netns {ns}");
        try
        {
            for (var i = 0; i < runs; i++)
            {
                var app = Guid.NewGuid().ToString();
                var nic = new AppNetworkInterface(app, $"bench{i}", 0, new NetworkAdapter { Name = "eth0", NetworkId = Ni });
                var status = await reconciler.ReconcileAsync(new NetworksArgs([instance], [nic], []), default);
                if (!status.Instance(Ni).Ready) throw new InvalidOperationException(string.Join("; ", status.Instance(Ni).Errors));
                var placed = status.Instance(Ni).Apps.Single();
                var spec = new QemuDomainSpec
                {
                    Name = $"netbench{i}",
                    Uuid = Guid.Parse(app),
                    QmpSocketPath = Path.Combine(dir, $"b{i}.qmp"),
                    PidFilePath = Path.Combine(dir, $"b{i}.pid"),
                    SerialLogPath = Path.Combine(dir, $"b{i}.log"),
                    DirectBoot = new QemuDirectBoot(Path.Combine(guest, "vmlinuz"), Path.Combine(guest, "initramfs.gz"), "console=ttyS0 quiet panic=-1 test.hold"),
                    Nics = [QemuNic.Tap(placed.Vif, placed.Mac)],
                    Netns = ns,
                };
                var sw = Stopwatch.StartNew();
                var vm = await supervisor.StartAsync(spec, accel.Accel);
                try
                {
                    while (!dnsmasq.ReadLeases(NetworkNames.Dnsmasq(Ni)).Any(l => l.Mac == placed.Mac)) await Wait(sw);
                    lease.Add(sw.Elapsed.TotalMilliseconds);
                    while (!(await File.ReadAllTextAsync(spec.SerialLogPath)).Contains("EVE-TEST-DHCP: eth0 ok", StringComparison.Ordinal)) await Wait(sw);
                    marker.Add(sw.Elapsed.TotalMilliseconds);
                    output.WriteLine($"  boot {i + 1}: lease {lease[^1],6:0} ms, guest DHCP marker {marker[^1],6:0} ms");
                }
                finally
                {
                    await vm.QuitAsync();
                }
            }
            output.WriteLine($"start -> lease in dnsmasq   p50 {BenchFiles.Median(lease):0} ms (min {lease.Min():0}, max {lease.Max():0})");
            output.WriteLine($"start -> guest DHCP marker  p50 {BenchFiles.Median(marker):0} ms (min {marker.Min():0}, max {marker.Max():0})");
        }
        finally
        {
            await reconciler.ReconcileAsync(new NetworksArgs([], [], []), default);
            await runner.RunAsync("ip", ["netns", "del", ns], check: false);
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task Wait(Stopwatch sw)
    {
        if (sw.Elapsed > TimeSpan.FromMinutes(2)) throw new TimeoutException("no DHCP lease after 2 minutes");
        await Task.Delay(10);
    }
}
