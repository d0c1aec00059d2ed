using Eve.Appliance.Platform.Net;

namespace Eve.Appliance.Tests.Platform.Net;

[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class DnsmasqSupervisorTests
{
    private static DnsmasqConfig Config(int n, string instance, IReadOnlyList<DhcpHost>? leases = null) => new(
        instance, "br0", $"10.99.{n}.1", $"10.99.{n}.100", $"10.99.{n}.150", "255.255.255.0", TimeSpan.FromHours(1),
        Router: $"10.99.{n}.1", DnsServers: [$"10.99.{n}.1"], UpstreamServers: [], Domain: null,
        StaticLeases: leases ?? [], Hosts: [new DnsHostRecord("web", $"10.99.{n}.7")], NftSets: []);

    private static async Task<(string Dev, string App, int N)> TopologyAsync(NetnsLab lab)
    {
        var n = NetnsLab.UniqueOctet();
        var dev = await lab.AddNetnsAsync("dqd");
        var app = await lab.AddNetnsAsync("dqa");
        await lab.ExecAsync(dev, "ip", "link", "add", "br0", "type", "bridge");
        await lab.ExecAsync(dev, "ip", "addr", "add", $"10.99.{n}.1/24", "dev", "br0");
        await lab.ExecAsync(dev, "ip", "link", "set", "br0", "up");
        await lab.LinkAsync(dev, "vapp", null, app, "eth0", null);
        await lab.ExecAsync(dev, "ip", "link", "set", "vapp", "master", "br0");
        await lab.ExecAsync(app, "ip", "link", "set", "eth0", "address", "02:00:00:00:10:01");
        return (dev, app, n);
    }

    [Test]
    public async Task Start_HandsOutStaticLease_AnswersHostRecord_StopKillsByPid()
    {
        await using var lab = new NetnsLab();
        var (dev, app, n) = await TopologyAsync(lab);
        var supervisor = new DnsmasqSupervisor(lab.Runner, Path.Combine(lab.Dir, "run"));
        try
        {
            var started = await supervisor.EnsureRunningAsync(
                Config(n, "ni-a", [new DhcpHost("02:00:00:00:10:01", $"10.99.{n}.120", "app-a")]), dev, default);
            Assert.That(started.Adopted, Is.False);
            Assert.That(File.Exists($"/proc/{started.Pid}/cmdline"), Is.True);

            Assert.That(await lab.DhcpAsync(app, "eth0"), Is.EqualTo($"10.99.{n}.120"));
            Assert.That(supervisor.ReadLeases("ni-a").Single().Mac, Is.EqualTo("02:00:00:00:10:01"));
            var lookup = await lab.ExecAsync(app, "busybox", "nslookup", "-type=a", "web", $"10.99.{n}.1");
            Assert.That(lookup.Stdout, Does.Contain($"10.99.{n}.7"));

            Assert.That(await supervisor.StopAsync("ni-a", default), Is.True);
            Assert.That(supervisor.Find("ni-a"), Is.Null);
            Assert.That(Directory.Exists(Path.Combine(lab.Dir, "run", "ni-a")), Is.False);
            Assert.That(await supervisor.StopAsync("ni-a", default), Is.False);
        }
        finally
        {
            await supervisor.StopAsync("ni-a", default);
        }
    }

    [Test]
    public async Task SameConfig_IsAdopted_ChangedConfig_Restarts()
    {
        await using var lab = new NetnsLab();
        var (dev, _, n) = await TopologyAsync(lab);
        var runDir = Path.Combine(lab.Dir, "run");
        var supervisor = new DnsmasqSupervisor(lab.Runner, runDir);
        try
        {
            var first = await supervisor.EnsureRunningAsync(Config(n, "ni-b"), dev, default);

            // A new supervisor stands for a restarted appliance: it finds the process by its pid file.
            var again = await new DnsmasqSupervisor(lab.Runner, runDir).EnsureRunningAsync(Config(n, "ni-b"), dev, default);
            Assert.That(again.Adopted, Is.True);
            Assert.That(again.Pid, Is.EqualTo(first.Pid));

            var changed = await supervisor.EnsureRunningAsync(
                Config(n, "ni-b", [new DhcpHost("02:00:00:00:10:09", $"10.99.{n}.109")]), dev, default);
            Assert.That(changed.Adopted, Is.False);
            Assert.That(changed.Pid, Is.Not.EqualTo(first.Pid));
            Assert.That(File.ReadAllText(Path.Combine(runDir, "ni-b", "dnsmasq.conf")), Does.Contain($"dhcp-host=02:00:00:00:10:09,10.99.{n}.109"));
            Assert.That(IsLiveProcess(first.Pid), Is.False, "the old dnsmasq was stopped");
        }
        finally
        {
            await supervisor.StopAsync("ni-b", default);
        }
    }

    [Test]
    public void Config_RendersNoPingOwnFilesAndNoResolv()
    {
        var text = Config(7, "ni-c").Render("/run/x/ni-c");

        Assert.That(text, Does.Contain("\nno-ping\n"));
        Assert.That(text, Does.Contain("\nno-resolv\n"));
        Assert.That(text, Does.Contain("\npid-file=/run/x/ni-c/dnsmasq.pid\n"));
        Assert.That(text, Does.Contain("\ndhcp-range=10.99.7.100,10.99.7.150,255.255.255.0,3600\n"));
        Assert.That(text, Does.Contain("\nhost-record=web,10.99.7.7\n"));
        var same = Config(7, "ni-c");
        Assert.That(same, Is.EqualTo(Config(7, "ni-c")));
        Assert.That(Config(7, "ni-c"), Is.Not.EqualTo(Config(8, "ni-c")));
    }

    private static bool IsLiveProcess(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
