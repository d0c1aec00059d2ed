using System.Diagnostics;
using System.Globalization;
using Eve.Appliance.Agent.Networks;
using Eve.Appliance.Platform.Processes;
using Org.Lfedge.Eve.Common;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Bench;

/// <summary>Throughput through a local NAT network instance (app netns → veth → instance bridge → nft
/// forward + masquerade → device eth0 → upstream netns) against a plain veth pair between two namespaces,
/// in the same run: curl downloads a file from busybox httpd, best of several runs each. Everything lives
/// in namespaces created here (10.98.250.0/24, 10.98.251.0/24, 10.99.250.0/24) and is removed afterwards.</summary>
internal static class NetworkBench
{
    private const int Runs = 9;
    private const long FileBytes = 256L << 20;

    public static void Run(TextWriter output) => RunAsync(output).GetAwaiter().GetResult();

    public static async Task RunAsync(TextWriter output, long fileBytes = FileBytes, int runs = Runs)
    {
        var runner = ProcessRunner.Default;
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var dir = Path.Combine(Path.GetTempPath(), $"eve-netbench-{suffix}");
        var namespaces = new List<string>();
        var servers = new List<Process>();
        var runDir = Path.Combine(dir, "run");
        Directory.CreateDirectory(dir);
        try
        {
            var file = Path.Combine(dir, "blob");
            await using (var f = File.Create(file)) f.SetLength(fileBytes); // sparse: served from the page cache

            async Task<string> Ns(string role)
            {
                var name = $"eve-bench-{role}-{suffix}";
                await runner.RunAsync("ip", ["netns", "add", name]);
                namespaces.Add(name);
                await runner.RunAsync("ip", ["-n", name, "link", "set", "lo", "up"]);
                return name;
            }
            async Task Link(string a, string ifA, string? cidrA, string b, string ifB, string? cidrB)
            {
                await runner.RunAsync("ip", ["-n", a, "link", "add", ifA, "type", "veth", "peer", "name", ifB, "netns", b]);
                foreach (var (ns, ifn, cidr) in new[] { (a, ifA, cidrA), (b, ifB, cidrB) })
                {
                    if (cidr != null) await runner.RunAsync("ip", ["-n", ns, "addr", "add", cidr, "dev", ifn]);
                    await runner.RunAsync("ip", ["-n", ns, "link", "set", ifn, "up"]);
                }
            }
            void Httpd(string ns, string address)
            {
                var psi = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (var a in new[] { "netns", "exec", ns, "busybox", "httpd", "-f", "-p", $"{address}:8080", "-h", dir }) psi.ArgumentList.Add(a);
                servers.Add(Process.Start(psi)!);
            }

            // Plain veth pair.
            var plainServer = await Ns("psrv");
            var plainClient = await Ns("pcli");
            await Link(plainServer, "v0", "10.98.251.1/24", plainClient, "v1", "10.98.251.2/24");
            Httpd(plainServer, "10.98.251.1");

            // Local NAT instance: upstream ← eth0 [device: bridge + nft] ← app.
            var upstream = await Ns("up");
            var device = await Ns("dev");
            var app = await Ns("app");
            await Link(device, "eth0", "10.98.250.2/24", upstream, "up0", "10.98.250.1/24");
            await runner.RunAsync("ip", ["-n", device, "route", "add", "default", "via", "10.98.250.1"]);
            Httpd(upstream, "10.98.250.1");
            var niUuid = "be0c0000-0000-4000-8000-000000000001";
            var ni = new NetworkInstanceConfig
            {
                Uuidandversion = new UUIDandVersion { Uuid = niUuid, Version = "1" },
                InstType = ZNetworkInstType.ZnetInstLocal, Activate = true, Port = new Adapter { Name = "eth0" },
                Ip = new ipspec { Subnet = "10.99.250.0/24" },
            };
            var adapter = new NetworkAdapter { NetworkId = niUuid, Addr = "10.99.250.10" };
            adapter.Acls.Add(new ACE { Matches = { new ACEMatch { Type = "ip", Value = "0.0.0.0/0" } } });
            var reconciler = NetworksReconciler.Create(new NetworksOptions(device, runDir), runner);
            var status = await reconciler.ReconcileAsync(new NetworksArgs([ni],
                [new AppNetworkInterface("be0c0000-0000-4000-8000-0000000000a1", "bench", 0, adapter, AppVifKind.Veth, app)],
                [new DevicePort("eth0", "eth0")]), CancellationToken.None);
            if (status.Instance(niUuid).Errors.Count > 0)
                throw new InvalidOperationException("bench network instance failed: " + string.Join("; ", status.Instance(niUuid).Errors));
            await runner.RunAsync("ip", ["-n", app, "addr", "add", "10.99.250.10/24", "dev", "eth0"]);
            await runner.RunAsync("ip", ["-n", app, "route", "add", "default", "via", "10.99.250.1"]);

            output.WriteLine($"network bench: curl GET of a {fileBytes >> 20} MiB file from busybox httpd, {runs} runs each, " +
                "plain and NAT interleaved (MB/s = 10^6 B/s)");
            await Download(runner, plainClient, "http://10.98.251.1:8080/blob"); // warm the page cache and both paths
            await Download(runner, app, "http://10.98.250.1:8080/blob");
            var plain = new List<double>();
            var nat = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                plain.Add(await Download(runner, plainClient, "http://10.98.251.1:8080/blob"));
                nat.Add(await Download(runner, app, "http://10.98.250.1:8080/blob"));
            }
            output.WriteLine($"  plain veth pair            : median {Median(plain),6:F0} MB/s, best {plain.Max(),6:F0}");
            output.WriteLine($"  through local NAT instance : median {Median(nat),6:F0} MB/s, best {nat.Max(),6:F0}");
            output.WriteLine($"  NAT / plain (medians)      : {Median(nat) / Median(plain),6:P0}");

            // curl + busybox httpd copy through user space; iperf3, when installed, shows the path itself.
            if (File.Exists("/usr/bin/iperf3"))
            {
                output.WriteLine("iperf3, TCP, 3 s per run, 3 runs each (Gbit/s)");
                var plainIperf = await Iperf(runner, plainServer, "10.98.251.1", plainClient, servers, 3);
                var natIperf = await Iperf(runner, upstream, "10.98.250.1", app, servers, 3);
                output.WriteLine($"  plain veth pair            : median {Median(plainIperf),6:F2} Gbit/s, best {plainIperf.Max(),6:F2}");
                output.WriteLine($"  through local NAT instance : median {Median(natIperf),6:F2} Gbit/s, best {natIperf.Max(),6:F2}");
                output.WriteLine($"  NAT / plain (medians)      : {Median(natIperf) / Median(plainIperf),6:P0}");
            }
            await reconciler.ReconcileAsync(new NetworksArgs([], [], []), CancellationToken.None);
        }
        finally
        {
            foreach (var p in servers)
            {
                try
                {
                    if (!p.HasExited) p.Kill(entireProcessTree: true);
                    await p.WaitForExitAsync();
                }
                catch (InvalidOperationException)
                {
                }
                p.Dispose();
            }
            var supervisor = new Platform.Net.DnsmasqSupervisor(runner, runDir);
            foreach (var instance in supervisor.ListInstances()) await supervisor.StopAsync(instance, CancellationToken.None);
            foreach (var ns in namespaces) await runner.RunAsync("ip", ["netns", "del", ns], check: false);
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<double> Download(IProcessRunner runner, string ns, string url)
    {
        var r = await runner.RunAsync("ip", ["netns", "exec", ns, "curl", "-s", "-f", "-o", "/dev/null", "-w", "%{speed_download}", url],
            TimeSpan.FromMinutes(2));
        return double.Parse(r.Stdout.Trim(), CultureInfo.InvariantCulture) / 1e6;
    }

    /// <summary>iperf3 server (pid recorded, killed in the bench's cleanup) in the server namespace, the
    /// client in the other; receiver rates in Gbit/s.</summary>
    private static async Task<List<double>> Iperf(IProcessRunner runner, string serverNs, string serverIp, string clientNs,
        List<Process> servers, int runs)
    {
        var psi = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "netns", "exec", serverNs, "iperf3", "-s", "-B", serverIp, "-p", "5201" }) psi.ArgumentList.Add(a);
        var server = Process.Start(psi)!;
        servers.Add(server);
        _ = server.StandardOutput.ReadToEndAsync(); // keep its pipe drained
        await Task.Delay(500);
        var rates = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var r = await runner.RunAsync("ip", ["netns", "exec", clientNs, "iperf3", "-c", serverIp, "-p", "5201", "-t", "3", "-J"],
                TimeSpan.FromSeconds(20));
            using var doc = System.Text.Json.JsonDocument.Parse(r.Stdout);
            rates.Add(doc.RootElement.GetProperty("end").GetProperty("sum_received").GetProperty("bits_per_second").GetDouble() / 1e9);
        }
        server.Kill();
        return rates;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
