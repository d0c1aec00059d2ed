using Eve.Appliance.Agent.Connectivity;
using Eve.Appliance.Platform.Net;
using Eve.Appliance.Tests.Support;

namespace Eve.Appliance.Tests.Agent.Connectivity;

/// <summary>Debian's dhcpcd on the device's ports against dnsmasq in the upstream namespace serving
/// DHCPv4, DHCPv6 (a static range) and router advertisements on eth1's side: the port gets both
/// addresses and DNS from both families, diag shows them; with DHCPv4 absent the controller is reached
/// over IPv6 alone, by name (AAAA from the DHCPv6 DNS server).</summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class DhcpcdNetnsTests
{
    [Test]
    public async Task DualStackDhcp_PortGetsV4AndV6AddressesAndDns_DiagShowsThem_StoppedByPid()
    {
        // dhcpcd runs beside the host's /etc: the host's resolver config must come out as it went in.
        var hostResolv = File.ReadAllText("/etc/resolv.conf");
        var hostResolvWritten = File.GetLastWriteTimeUtc("/etc/resolv.conf");
        await using var lab = await ConnectivityLab.StartAsync();
        var n = lab.N;
        await StartDnsmasqOnEth1Async(lab, withV4: true);
        var runDir = Path.Combine(lab.Dir, "run");
        var applier = new NetnsDpcApplier(new IpLinkClient(lab.Net.Runner), lab.Net.Runner, lab.Device, runDir);
        var port = new DpcPort("eth1", "uplink1", true, 0, Dhcp: true);
        try
        {
            await applier.ApplyAsync(new DevicePortConfig(DevicePortConfig.ControllerKey, DateTimeOffset.UtcNow, [port]), default);
            var check = new PortConnectivityCheck(lab.Net.Runner, lab.Device, runDir, null, null, null, TimeSpan.FromSeconds(2), TimeProvider.System);
            var addrs = await Eventually.WaitAsync(async () =>
            {
                var a = await check.AddressesAsync("eth1", default);
                return a.Any(x => x.StartsWith($"10.97.{n}.", StringComparison.Ordinal)) && a.Any(x => x.StartsWith($"fd97:{n}::1", StringComparison.Ordinal)) ? a : null;
            }, "a DHCPv4 and a DHCPv6 address on eth1", 60);
            await Eventually.WaitAsync(() => PortLease.DnsServers(runDir, port).Count == 2, "DNS servers from both leases", 60);
            Assert.That(PortLease.DnsServers(runDir, port), Is.EqualTo(new[] { $"10.97.{n}.1", $"fd97:{n}::1" }));
            Assert.That(PortLease.Leased(runDir, "eth1"), Has.Some.StartsWith($"10.97.{n}.").And.Some.StartsWith($"fd97:{n}::1"));

            // dhcpcd itself, through its control socket, says the same.
            var dump = await new DhcpcdClient(lab.Net.Runner, lab.Device, runDir).DumpLeaseAsync("eth1", default);
            Assert.That(dump.Single(b => b.GetValueOrDefault("protocol") == "dhcp")["ip_address"], Does.StartWith($"10.97.{n}."));
            Assert.That(dump.Any(b => b.TryGetValue("dhcp6_name_servers", out var v) && v == $"fd97:{n}::1"), Is.True);

            var (state, _) = await check.TestAsync(port, default);
            Assert.That(state.Ok, Is.True, state.Verdict);
            Assert.That(state.Verdict, Does.Contain($"fd97:{n}::1").And.Contain($"10.97.{n}."));
            Assert.That(state.DnsServers, Is.EqualTo(new[] { $"10.97.{n}.1", $"fd97:{n}::1" }));
            TestContext.Out.WriteLine($"eth1: {string.Join(", ", addrs)}; {state.Verdict}");

            // diag, as the technician runs it: both addresses and both DNS servers.
            new DpcListStore(lab.PersistDir).Save(new DpcListFile(
                [new DevicePortConfig(DevicePortConfig.ControllerKey, DateTimeOffset.UtcNow, [port]) { LastSucceeded = DateTimeOffset.UtcNow }], 0, []));
            Directory.CreateDirectory(ConnectivitySubsystem.RunDir(lab.PersistDir));
            foreach (var f in Directory.GetFiles(runDir, "lease*")) File.Copy(f, Path.Combine(ConnectivitySubsystem.RunDir(lab.PersistDir), Path.GetFileName(f)));
            using var o = new StringWriter();
            await new DiagReport(lab.PersistDir, lab.Device, null, null, null, TimeSpan.FromSeconds(2), lab.Net.Runner, TimeProvider.System).WriteAsync(o, default);
            TestContext.Out.WriteLine(o);
            Assert.That(o.ToString(), Does.Match($@"eth1: OK — DHCP lease .*10\.97\.{n}\.\d+/24.*fd97:{n}::1[0-9a-f]+/128"));
            Assert.That(o.ToString(), Does.Contain($"DNS 10.97.{n}.1, fd97:{n}::1"));
        }
        finally
        {
            await applier.StopAsync(default);
        }
        Assert.That(Directory.GetFiles(runDir, "*.pid", SearchOption.AllDirectories), Is.Empty, "every dhcpcd stopped by its pid");
        var deviceNs = (await lab.Net.ExecAsync(lab.Upstream, "stat", "-L", "-c", "%i", $"/run/netns/{lab.Device}")).Stdout.Trim();
        var left = Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _))
            .Where(d => { try { return new FileInfo(Path.Combine(d, "ns", "net")).LinkTarget == $"net:[{deviceNs}]"; } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; } })
            .Select(Path.GetFileName).ToList();
        Assert.That(left, Is.Empty, "no dhcpcd helper left behind in the device namespace");
        Assert.That(File.Exists(Path.Combine(runDir, "lease4-eth1")), Is.False, "the lease files go with their dhcpcd");
        Assert.That(File.ReadAllText("/etc/resolv.conf"), Is.EqualTo(hostResolv), "the host's /etc/resolv.conf is not ours to write");
        Assert.That(File.GetLastWriteTimeUtc("/etc/resolv.conf"), Is.EqualTo(hostResolvWritten), "the host's /etc/resolv.conf is not ours to write");
    }

    [Test]
    public async Task V6OnlyPort_ControllerReachedByNameOverIpv6()
    {
        await using var lab = await ConnectivityLab.StartAsync();
        var n = lab.N;
        await lab.Net.ExecAsync(lab.Upstream, "ip", "-6", "addr", "add", $"fd96:{n}::1/128", "dev", "lo");
        var www = Path.Combine(lab.Dir, "www6");
        Directory.CreateDirectory(Path.Combine(www, "api", "v2", "edgedevice"));
        await File.WriteAllTextAsync(Path.Combine(www, "api", "v2", "edgedevice", "ping"), "pong6");
        lab.Net.Start(lab.Upstream, "busybox", "httpd", "-f", "-p", $"[fd96:{n}::1]:8080", "-h", www);
        await StartDnsmasqOnEth1Async(lab, withV4: false);
        var runDir = Path.Combine(lab.Dir, "run");
        var applier = new NetnsDpcApplier(new IpLinkClient(lab.Net.Runner), lab.Net.Runner, lab.Device, runDir);
        var port = new DpcPort("eth1", "uplink1", true, 0, Dhcp: true);
        var dpc = new DevicePortConfig(DevicePortConfig.ControllerKey, DateTimeOffset.UtcNow, [port]);
        try
        {
            await applier.ApplyAsync(dpc, default);
            var tester = new NetnsConnectivityTester(lab.Net.Runner, lab.Device, runDir, new Uri($"http://ctl6.{ConnectivityLab.Domain}:8080"), null, null, TimeProvider.System)
            { PortTimeout = TimeSpan.FromSeconds(2) };
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var r = await tester.TestAsync(dpc, cts.Token);
            Assert.That(r.Ok, Is.True, r.Detail);
            Assert.That(r.Detail, Does.Contain($"fd97:{n}::1").And.Contain("DNS ok").And.Contain("controller answers /ping"));
            Assert.That(await lab.AddressesAsync("eth1"), Does.Not.Contain("inet "), "no IPv4 on eth1: the controller was reached over IPv6");
        }
        finally
        {
            await applier.StopAsync(default);
        }
    }

    /// <summary>dnsmasq on up1: DHCPv6 from a static range with its DNS server, router advertisements
    /// (managed flag: addresses from DHCPv6, the route from the RA), DHCPv4 when asked, and names for the
    /// controller (<c>ctl6.lab.test</c> → its IPv6 address).</summary>
    private static async Task StartDnsmasqOnEth1Async(ConnectivityLab lab, bool withV4)
    {
        var n = lab.N;
        await lab.Net.ExecAsync(lab.Upstream, "ip", "-6", "addr", "add", $"fd97:{n}::1/64", "dev", "up1");
        var args = new List<string>
        {
            "-k", "-C", "/dev/null", "--port=53", "--interface=up1", "--bind-interfaces", "--except-interface=lo",
            "--no-resolv", $"--domain={ConnectivityLab.Domain}", "--enable-ra",
            $"--dhcp-range=fd97:{n}::100,fd97:{n}::1ff,64,1h", $"--dhcp-option=option6:dns-server,[fd97:{n}::1]",
            $"--host-record=ctl6.{ConnectivityLab.Domain},fd96:{n}::1", $"--host-record=ctl.{ConnectivityLab.Domain},10.96.{n}.1",
            $"--pid-file={lab.Dir}/dnsmasq6.pid", $"--dhcp-leasefile={lab.Dir}/dnsmasq6.leases",
        };
        if (withV4) args.Add($"--dhcp-range=10.97.{n}.100,10.97.{n}.150,255.255.255.0,1h");
        lab.Net.Start(lab.Upstream, "dnsmasq", [.. args]);
        // /etc/hosts stays on: the port test's DNS probe asks for localhost.
        // dnsmasq binds once its addresses are no longer tentative (DAD takes ~1-2 s).
        await Eventually.WaitAsync(async () => (await lab.Net.TryExecAsync(lab.Upstream, "sh", "-c", "ss -lun | grep -q ':53 '")).ExitCode == 0,
            "dnsmasq listening on up1", 30);
    }
}
