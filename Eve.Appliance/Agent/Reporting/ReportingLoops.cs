using Eve.Appliance.Agent.Config;
using Eve.Appliance.Agent.ControllerConn;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging;
using Org.Lfedge.Eve.Info;
using Eve.Appliance.Agent.Telemetry.Logs;
using Org.Lfedge.Eve.Metrics;

namespace Eve.Appliance.Agent.Reporting;

/// <summary>
/// What the agent reports: device info on change (and on every new config epoch), metrics every
/// timer.metric.interval, and app console lines into the log spool (the spool's uploader ships
/// them with the agent's own lines). Info goes through the persisted <see cref="Outbox"/>; metrics
/// are sent live and dropped when the controller is away (as EVE does: a stale metric has no value,
/// a lost log line does).
/// </summary>
internal sealed class ReportingLoops(DeviceSession session, Outbox outbox, ConfigHub hub, ITelemetrySource source,
    AgentLogSpool? logs, AgentOptions options, TimeProvider time, ILogger log) : IReportSink
{
    private byte[]? _lastDeviceInfo;
    private readonly List<Action<ZMetricMsg>> _contributors = [];
    private readonly List<Action<ZInfoDevice>> _infoContributors = [];

    public void PublishInfo(ZInfoMsg info, string key)
    {
        if (info.DevId == "") info.DevId = session.DeviceId ?? "";
        info.AtTimeStamp ??= Timestamp.FromDateTimeOffset(time.GetUtcNow());
        outbox.Enqueue("info", info.ToByteArray(), key);
    }

    public void AddMetrics(Action<ZMetricMsg> contributor)
    {
        lock (_contributors) _contributors.Add(contributor);
    }

    public void AddDeviceInfo(Action<ZInfoDevice> contributor)
    {
        lock (_infoContributors) _infoContributors.Add(contributor);
    }

    public void DeviceInfoChanged() => PublishDeviceInfo();

    /// <summary>Only under the _infoContributors lock.</summary>
    private ZInfoDevice DeviceInfo()
    {
        var dinfo = source.DeviceInfo();
        EchoConfigNames(dinfo, hub.Current?.Config);
        foreach (var c in _infoContributors)
        {
            try { c(dinfo); }
            catch (Exception e) { log.LogWarning(e, "a device info contributor failed; sending device info without its part"); }
        }
        return dinfo;
    }

    /// <summary>The names the controller gave the device, echoed back as EVE does (its info shows what
    /// the device was told), and the base-OS retry counter it acted on.</summary>
    private static void EchoConfigNames(ZInfoDevice dinfo, Org.Lfedge.Eve.Config.EdgeDevConfig? config)
    {
        if (config == null) return;
        if (dinfo.DeviceName == "") dinfo.DeviceName = config.DeviceName;
        dinfo.ProjectName = config.ProjectName;
        dinfo.ProjectId = config.ProjectId;
        dinfo.EnterpriseName = config.EnterpriseName;
        dinfo.EnterpriseId = config.EnterpriseId;
        if (config.Baseos?.RetryUpdate is { } retry) dinfo.BaseosUpdateCounter = retry.Counter;
    }

    public void PublishAppLogs(Guid app, string appName, IReadOnlyList<string> lines)
    {
        if (lines.Count == 0 || logs == null) return;
        logs.AppendAppLines(app, appName, lines, time.GetUtcNow());
    }

    public void PublishFlowLog(Org.Lfedge.Eve.Flowlog.FlowMessage flows)
    {
        if (flows.DevId == "") flows.DevId = session.DeviceId ?? "";
        outbox.Enqueue("flowlog", flows.ToByteArray());
    }

    public long MetricsSent { get; private set; }
    public long MetricsDropped { get; private set; }

    /// <summary>Queues device info when it differs from what was last queued.</summary>
    public void PublishDeviceInfo(bool force = false)
    {
        if (session.DeviceId == null) return;
        // Called from the info loop and from subsystems (DeviceInfoChanged): one at a time, so the
        // change check compares against what was really queued last.
        lock (_infoContributors) PublishDeviceInfoLocked(force);
    }

    private void PublishDeviceInfoLocked(bool force)
    {
        var dinfo = DeviceInfo();
        var bootTime = dinfo.BootTime;
        dinfo.BootTime = null; // jitters by a second between reads; not a change worth reporting
        var comparable = dinfo.ToByteArray();
        if (!force && _lastDeviceInfo != null && comparable.AsSpan().SequenceEqual(_lastDeviceInfo)) return;
        _lastDeviceInfo = comparable;
        dinfo.BootTime = bootTime;
        var msg = new ZInfoMsg { Ztype = ZInfoTypes.ZiDevice, DevId = session.DeviceId, Dinfo = dinfo, AtTimeStamp = Timestamp.FromDateTimeOffset(time.GetUtcNow()) };
        outbox.Enqueue("info", msg.ToByteArray(), key: "device");
    }

    /// <summary>Each loop heartbeats here (names "info", "metrics", "logs") so the watchdog sees a hung one.</summary>
    public Watchdog.HealthMonitor? Health { get; set; }

    public async Task InfoLoopAsync(CancellationToken ct)
    {
        var changes = hub.Subscribe();
        using var beat = Health?.Register("info");
        while (!ct.IsCancellationRequested)
        {
            beat?.Beat();
            PublishDeviceInfo();
            var interval = TimeSpan.FromSeconds(hub.Current?.ItemInt("timer.deviceinfo.interval", 600) ?? 600);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            wait.CancelAfter(interval);
            beat?.Idle();
            try
            {
                await changes.ReadAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                beat?.Beat();
                PublishDeviceInfo(force: true); // EVE re-sends info every timer.deviceinfo.interval
            }
        }
    }

    public async Task MetricsLoopAsync(CancellationToken ct)
    {
        source.DeviceMetrics(); // first sample sets the CPU baseline
        using var beat = Health?.Register("metrics", Health.Limit + options.RequestTimeout);
        while (!ct.IsCancellationRequested)
        {
            var interval = TimeSpan.FromSeconds(hub.Current?.ItemInt("timer.metric.interval", 60) ?? 60);
            if (options.MetricsIntervalOverride is { } o && o < interval) interval = o;
            beat?.Idle();
            await Task.Delay(interval, time, ct).ConfigureAwait(false);
            beat?.Beat();
            if (session.DeviceId == null) continue;
            var dm = source.DeviceMetrics();
            dm.Zedcloud.Add(session.Client.Comm.Snapshot("default"));
            var msg = new ZMetricMsg { DevID = session.DeviceId, AtTimeStamp = Timestamp.FromDateTimeOffset(time.GetUtcNow()), Dm = dm };
            Action<ZMetricMsg>[] contributors;
            lock (_contributors) contributors = [.. _contributors];
            foreach (var c in contributors)
            {
                try { c(msg); }
                catch (Exception e) { log.LogWarning(e, "a metrics contributor failed; sending the rest"); }
            }
            try
            {
                var (status, body) = await session.PostAsync("metrics", msg.ToByteArray(), ct).ConfigureAwait(false);
                ControllerClient.Expect(status, body, "metrics", 200, 201);
                MetricsSent++;
            }
            catch (Exception e) when (e is ControllerUnavailableException or ControllerRefusedException)
            {
                MetricsDropped++;
                log.LogDebug("metrics not sent: {Reason}", e.Message);
            }
        }
    }
}
