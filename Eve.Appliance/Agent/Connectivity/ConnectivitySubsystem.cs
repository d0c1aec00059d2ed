using Eve.Appliance.Platform.Net;
using Eve.Appliance.Platform.Processes;
using Microsoft.Extensions.Logging;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Agent.Connectivity;

/// <summary>Device connectivity as an agent subsystem: feeds the controller's DPC (from every desired
/// state) to a <see cref="ConnectivityDriver"/> working in <see cref="ConnectivityOptions.Netns"/>, and
/// keeps the latest <see cref="SystemAdapterInfo"/> for device info. Does nothing without a namespace.</summary>
internal sealed class ConnectivitySubsystem(ConnectivityOptions options) : IAgentSubsystem
{
    private volatile SystemAdapterInfo? _latest;

    public string Name => "connectivity";

    /// <summary>The DPC list, current index and errors, for <c>ZInfoDevice.systemAdapter</c>.</summary>
    public SystemAdapterInfo? Latest => _latest;

    public async Task RunAsync(AgentContext context, CancellationToken ct)
    {
        var logger = context.Loggers.CreateLogger("connectivity");
        if (options.Netns == null)
        {
            logger.LogInformation("port management off (no network namespace named)");
            return;
        }
        if (context.Options.ControllerUrl is not { } controller)
        {
            logger.LogWarning("port management needs a controller URL to test against; off");
            return;
        }
        var runner = ProcessRunner.Default;
        var applier = new NetnsDpcApplier(new IpLinkClient(runner), runner, options.Netns,
            Path.Combine(context.Options.PersistDir, "connectivity", "run"));
        var tester = new NetnsConnectivityTester(runner, options.Netns, controller, context.Time);
        var driver = new ConnectivityDriver(new DpcManager(options.Timers), new DpcListStore(context.Options.PersistDir),
            applier, tester, context.Time, logger,
            options.DevicePortConfigDir ?? Path.Combine(context.Options.ConfigDir, "DevicePortConfig"));
        driver.StateChanged += s => _latest = DpcInfo.ToSystemAdapterInfo(s);
        var configs = Task.Run(async () =>
        {
            await foreach (var desired in context.Hub.Subscribe().ReadAllAsync(ct))
                if (DpcSources.FromController(desired.Config, desired.AppliedAt) is { } dpc)
                    driver.Post(new DpcEvent.Received(dpc));
        }, ct);
        try
        {
            await driver.RunAsync(ct);
        }
        finally
        {
            await applier.StopAsync(CancellationToken.None);
            await configs.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }
}
