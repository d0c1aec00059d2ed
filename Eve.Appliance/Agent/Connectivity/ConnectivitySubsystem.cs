using Eve.Appliance.Agent.Bootstrap;
using Eve.Appliance.Platform.Net;
using Eve.Appliance.Platform.Processes;
using Microsoft.Extensions.Logging;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Agent.Connectivity;

/// <summary>Device connectivity as an agent subsystem: feeds the controller's DPC (from every desired
/// state) and its <c>timer.port.*</c> items to a <see cref="ConnectivityDriver"/> working in
/// <see cref="ConnectivityOptions.Netns"/>, points the controller traffic (<see cref="Transport"/>) at the
/// ports of the DPC in use, and reports the DPC list and per-port state in device info.</summary>
internal sealed class ConnectivitySubsystem(ConnectivityOptions options) : IAgentSubsystem
{
    private volatile SystemAdapterInfo? _latest;
    private volatile IReadOnlyList<ZInfoNetwork> _networks = [];
    private volatile DpcManager? _manager;

    public string Name => "connectivity";

    /// <summary>The port timers in force (after the controller's <c>timer.port.*</c> items).</summary>
    public DpcTimers Timers => _manager?.Timers ?? options.Timers;

    /// <summary>The DPC list, current index and errors, for <c>ZInfoDevice.systemAdapter</c>.</summary>
    public SystemAdapterInfo? Latest => _latest;

    /// <summary>Where controller connections go out; null unless <see cref="ConnectivityOptions.BindControllerTraffic"/>.</summary>
    public ControllerTransport? Transport { get; } = options.Netns != null && options.BindControllerTraffic
        ? new ControllerTransport(options.Netns, RunDir(options.PersistDir), TimeProvider.System) { PortTimeout = options.Timers.PortTimeout }
        : null;

    /// <summary>For <c>AgentOptions.ControllerHandler</c>: binds the agent's controller client to the ports.</summary>
    public void ConfigureControllerHandler(System.Net.Http.SocketsHttpHandler handler) => Transport?.Configure(handler);

    public static string RunDir(string persistDir) => Path.Combine(persistDir, "connectivity", "run");

    /// <summary>From the command line: null (port management off) unless <c>--mgmt-netns</c> names a namespace.</summary>
    public static ConnectivitySubsystem? FromArgs(string? netns, string? usbImage, string persistDir, bool bindControllerTraffic)
    {
        if (netns == null)
        {
            if (usbImage != null) throw new Cli.UsageException("--usb-image needs --mgmt-netns (port management is off without it)");
            return null;
        }
        return new ConnectivitySubsystem(new ConnectivityOptions
        {
            Netns = netns,
            PersistDir = persistDir,
            BindControllerTraffic = bindControllerTraffic,
            UsbImage = usbImage != null ? Path.GetFullPath(usbImage) : null,
        });
    }

    public async Task RunAsync(AgentContext context, CancellationToken ct)
    {
        var logger = context.Loggers.CreateLogger("connectivity");
        if (options.Netns is not { } netns)
        {
            logger.LogInformation("port management off (no management network namespace named)");
            return;
        }
        var persist = context.Options.PersistDir;
        var runner = ProcessRunner.Default;
        var bootstrap = BootstrapFolder.Load(context.Options.ConfigDir, context.Options.ControllerUrl);
        // With the embedded controller on loopback there is no controller beyond the ports to test against.
        Uri? controller = options.BindControllerTraffic ? bootstrap.Server : null;
        var applier = new NetnsDpcApplier(new IpLinkClient(runner), runner, netns, RunDir(persist));
        var tester = new NetnsConnectivityTester(runner, netns, RunDir(persist), controller, bootstrap.Roots, bootstrap.TlsRoots, context.Time)
        {
            PortTimeout = options.Timers.PortTimeout,
        };
        var manager = new DpcManager(options.Timers);
        _manager = manager;
        var driver = new ConnectivityDriver(manager, new DpcListStore(persist), applier, tester, context.Time, logger,
            options.DevicePortConfigDir ?? Path.Combine(context.Options.ConfigDir, "DevicePortConfig"))
        {
            UsbImage = options.UsbImage,
            Health = context.Health,
        };
        context.Reports.AddDeviceInfo(d =>
        {
            if (_latest is { } sa) d.SystemAdapter = sa;
            foreach (var n in _networks) d.Network.Add(n);
        });
        string? lastReported = null;
        driver.StateChanged += s =>
        {
            var ports = tester.Ports;
            _latest = DpcInfo.ToSystemAdapterInfo(s, ports);
            var mgmt = (s.Current ?? s.UnderTest)?.Ports.Where(p => p.IsMgmt).Select(p => p.IfName).ToHashSet() ?? [];
            _networks = [.. ports.Values.Select(p => DpcInfo.ToNetworkInfo(p, mgmt.Contains(p.IfName)))];
            Transport?.Use(s.Current ?? s.UnderTest ?? s.List.FirstOrDefault(), tester.Proxies);
            foreach (var p in ports.Values)
                if (p.Ok) Transport?.MarkWorking(p.IfName); else Transport?.MarkFailed(p.IfName);
            var why = ConnectivityStatus.Explain(s);
            new ConnectivityStatus(s.Current?.Key, why, s.LastError, Transport?.LastPort, [.. ports.Values], context.Time.GetUtcNow()).Save(persist);
            var summary = $"{why}; {string.Join("; ", ports.Values.Select(p => $"{p.IfName}: {p.Verdict}"))}";
            if (summary != lastReported)
            {
                // The technician's view on the console: which DPC, why, and each port in words.
                logger.LogInformation("connectivity: {Summary}", summary);
                lastReported = summary;
            }
            context.Reports.DeviceInfoChanged();
        };
        // The local operator's network config (EVE's LPS network endpoint), reached through the ports.
        var lpsHandler = new System.Net.Http.SocketsHttpHandler();
        Transport?.ConfigureDirect(lpsHandler);
        using var lpsHttp = new HttpClient(lpsHandler) { Timeout = TimeSpan.FromSeconds(30) };
        var lps = new LpsNetworkClient(driver, lpsHttp, () => tester.Ports, context.Time, logger) { Interval = options.LpsInterval };
        var lpsLoop = Task.Run(() => lps.RunAsync(ct), ct);
        var configs = Task.Run(async () =>
        {
            await foreach (var desired in context.Hub.Subscribe().ReadAllAsync(ct))
            {
                var timers = options.Timers.WithConfigItems(desired.Item);
                if (timers != manager.Timers)
                {
                    manager.Timers = timers;
                    tester.PortTimeout = timers.PortTimeout;
                    if (Transport != null) Transport.PortTimeout = timers.PortTimeout;
                    logger.LogInformation("port timers: test duration {D} s, interval {I} s, better interval {B} s, timeout {T} s",
                        timers.TestDuration.TotalSeconds, timers.TestInterval.TotalSeconds, timers.TestBetterInterval.TotalSeconds, timers.PortTimeout.TotalSeconds);
                }
                var fromController = DpcSources.FromController(desired.Config, desired.AppliedAt);
                if (fromController is { } dpc)
                    driver.Post(new DpcEvent.Received(dpc));
                lps.Update(desired.Config.LocalProfileServer, desired.Config.ProfileServerToken, fromController);
            }
        }, ct);
        try
        {
            await driver.RunAsync(ct);
        }
        finally
        {
            await applier.StopAsync(CancellationToken.None);
            await configs.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            await lpsLoop.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }
}
