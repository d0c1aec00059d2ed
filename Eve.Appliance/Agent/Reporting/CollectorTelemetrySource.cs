using Eve.Appliance.Agent.Telemetry;
using Eve.Appliance.Agent.Telemetry.Proc;
using Org.Lfedge.Eve.Info;
using Org.Lfedge.Eve.Metrics;

namespace Eve.Appliance.Agent.Reporting;

/// <summary>Device info and metrics from the /proc and /sys collectors.</summary>
internal sealed class CollectorTelemetrySource(IProcReader proc, TimeProvider time, string persistDir) : ITelemetrySource
{
    private readonly DeviceInfoCollector _info = new(proc, time, "");
    private readonly DeviceMetricsCollector _metrics = new(proc, time, "");

    /// <summary>Facts other subsystems own (partitions, reboot reason, …); replaced as they change.</summary>
    public Func<DeviceInfoInputs>? InfoInputs { get; set; }

    public ZInfoDevice DeviceInfo()
    {
        var inputs = InfoInputs?.Invoke() ?? new DeviceInfoInputs();
        inputs = inputs with { PersistPath = persistDir };
        return _info.Collect(inputs).Dinfo;
    }

    public deviceMetric DeviceMetrics() => _metrics.Collect().Dm;
}
