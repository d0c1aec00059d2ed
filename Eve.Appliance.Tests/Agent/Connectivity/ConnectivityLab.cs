using System.Diagnostics;
using Eve.Appliance.Agent.Connectivity;
using Eve.Appliance.Platform.Net;
using Eve.Appliance.Tests.Platform.Net;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eve.Appliance.Tests.Agent.Connectivity;

/// <summary>A "device" namespace with ports eth0/eth1 wired to an "upstream" namespace that runs dnsmasq
/// (DHCP on the eth0 side, router 10.98.N.1) and a busybox httpd standing in for the controller on
/// 10.96.N.1:8080 — reachable only through that router. Everything goes with <see cref="DisposeAsync"/>.</summary>
internal sealed class ConnectivityLab : IAsyncDisposable
{
    private readonly NetnsLab _lab = new();
    private DnsmasqSupervisor? _dnsmasq;
    private DnsmasqSupervisor? _dnsmasq1;

    public string Device { get; private set; } = "";
    public string Upstream { get; private set; } = "";
    public int N { get; } = NetnsLab.UniqueOctet();
    public Uri Controller => new($"http://10.96.{N}.1:8080");
    public string Dir => _lab.Dir;
    public string PersistDir => Path.Combine(Dir, "persist");
    public string ConfigDir => Path.Combine(Dir, "config");
    public NetnsLab Net => _lab;

    /// <summary>The domain dnsmasq hands out; it answers <c>ctl.lab.test</c> (the controller) and
    /// <c>wpad.lab.test</c> (the upstream router, which serves <c>/wpad.dat</c> when a test puts one there).</summary>
    public const string Domain = "lab.test";

    public string ControllerName => $"ctl.{Domain}";

    /// <summary>With <paramref name="dhcpOnEth1"/> a second dnsmasq serves eth1's side (10.97.N.0/24) too.</summary>
    public static async Task<ConnectivityLab> StartAsync(bool dhcpOnEth1 = false)
    {
        var lab = new ConnectivityLab();
        try
        {
            await lab.SetUpAsync();
            if (dhcpOnEth1) await lab.StartDhcpOnEth1Async();
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    private async Task SetUpAsync()
    {
        Directory.CreateDirectory(ConfigDir);
        Device = await _lab.AddNetnsAsync("cdev");
        Upstream = await _lab.AddNetnsAsync("cup");
        await _lab.LinkAsync(Device, "eth0", null, Upstream, "up0", $"10.98.{N}.1/24");
        await _lab.LinkAsync(Device, "eth1", null, Upstream, "up1", $"10.97.{N}.1/24");
        await _lab.ExecAsync(Upstream, "ip", "addr", "add", $"10.96.{N}.1/32", "dev", "lo");
        _dnsmasq = new DnsmasqSupervisor(_lab.Runner, Path.Combine(Dir, "dnsmasq"));
        await _dnsmasq.EnsureRunningAsync(new DnsmasqConfig(
            "ctl", "up0", $"10.98.{N}.1", $"10.98.{N}.100", $"10.98.{N}.150", "255.255.255.0", TimeSpan.FromHours(1),
            Router: $"10.98.{N}.1", DnsServers: [], UpstreamServers: [], Domain: Domain, StaticLeases: [],
            Hosts: [new DnsHostRecord(ControllerName, $"10.96.{N}.1"), new DnsHostRecord($"wpad.{Domain}", $"10.98.{N}.1")], NftSets: []), Upstream, default);
        var root = Path.Combine(Dir, "www");
        Directory.CreateDirectory(Path.Combine(root, "api", "v2", "edgedevice"));
        await File.WriteAllTextAsync(Path.Combine(root, "api", "v2", "edgedevice", "ping"), "pong");
        _lab.Start(Upstream, "busybox", "httpd", "-f", "-p", $"10.96.{N}.1:8080", "-h", root);
        for (var i = 0; i < 100 && await _lab.HttpGetAsync(Upstream, $"{Controller}api/v2/edgedevice/ping", 1) == null; i++)
            await Task.Delay(20);
    }

    private async Task StartDhcpOnEth1Async()
    {
        _dnsmasq1 = new DnsmasqSupervisor(_lab.Runner, Path.Combine(Dir, "dnsmasq1"));
        await _dnsmasq1.EnsureRunningAsync(new DnsmasqConfig(
            "ctl1", "up1", $"10.97.{N}.1", $"10.97.{N}.100", $"10.97.{N}.150", "255.255.255.0", TimeSpan.FromHours(1),
            Router: $"10.97.{N}.1", DnsServers: [], UpstreamServers: [], Domain: Domain, StaticLeases: [],
            Hosts: [new DnsHostRecord(ControllerName, $"10.96.{N}.1")], NftSets: []), Upstream, default);
    }

    /// <summary>Pulls the cable of a device port: the upstream end goes down.</summary>
    /// <summary>tinyproxy on the upstream side of eth0 (port 8888), for the device's subnet only;
    /// <paramref name="extraConfig"/> adds lines (e.g. BasicAuth). Returns its address.</summary>
    public async Task<string> StartTinyproxyAsync(string extraConfig = "")
    {
        var proxyAddr = $"10.98.{N}.1";
        var conf = Path.Combine(Dir, "tinyproxy.conf");
        await File.WriteAllTextAsync(conf, $"Port 8888\nListen {proxyAddr}\nAllow 10.98.{N}.0/24\nTimeout 30\nLogLevel Info\n{extraConfig}");
        Net.Start(Upstream, "tinyproxy", "-d", "-c", conf);
        return proxyAddr;
    }

    public Task CutAsync(string upstreamIf) => _lab.ExecAsync(Upstream, "ip", "link", "set", upstreamIf, "down");

    public Task RestoreAsync(string upstreamIf) => _lab.ExecAsync(Upstream, "ip", "link", "set", upstreamIf, "up");

    /// <summary>A tester of this lab's device namespace; short port timeout so rounds fit in short test windows.</summary>
    public NetnsConnectivityTester NewTester(Uri? controller = null) =>
        new(_lab.Runner, Device, Path.Combine(Dir, "run"), controller ?? Controller, null, null, TimeProvider.System) { PortTimeout = TimeSpan.FromSeconds(1) };

    /// <summary>A driver over this lab's device namespace, with the given test duration.</summary>
    public (ConnectivityDriver Driver, NetnsDpcApplier Applier) NewDriver(TimeSpan testDuration, NetnsConnectivityTester? tester = null, string? usbImage = null)
    {
        var applier = new NetnsDpcApplier(new IpLinkClient(_lab.Runner), _lab.Runner, Device, Path.Combine(Dir, "run"));
        tester ??= NewTester();
        var timers = new DpcTimers { TestDuration = testDuration, TestInterval = TimeSpan.FromHours(1), TestBetterInterval = TimeSpan.FromHours(1) };
        var driver = new ConnectivityDriver(new DpcManager(timers), new DpcListStore(PersistDir), applier, tester,
            TimeProvider.System, NullLogger.Instance, ConfigDir) { TickPeriod = TimeSpan.FromMilliseconds(100), UsbImage = usbImage };
        return (driver, applier);
    }

    /// <summary>Waits (up to <paramref name="seconds"/>, a safety net rather than a timing assertion) for a driver state.</summary>
    public static async Task<DpcManagerState> WaitForAsync(ConnectivityDriver driver, Func<DpcManagerState, bool> condition, string what, double seconds = 30)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            var s = driver.State;
            if (condition(s)) return s;
            await Task.Delay(50);
        }
        var last = driver.State;
        throw new AssertionException($"{what} did not happen; state {last.Phase}, current {last.Current}, list [{string.Join(", ", last.List)}], last error {last.LastError}");
    }

    public async Task<string> AddressesAsync(string ifName) =>
        (await _lab.ExecAsync(Device, "ip", "-4", "-o", "addr", "show", "dev", ifName)).Stdout;

    public async ValueTask DisposeAsync()
    {
        if (_dnsmasq != null) await _dnsmasq.StopAsync("ctl", default);
        if (_dnsmasq1 != null) await _dnsmasq1.StopAsync("ctl1", default);
        await _lab.DisposeAsync();
    }
}
