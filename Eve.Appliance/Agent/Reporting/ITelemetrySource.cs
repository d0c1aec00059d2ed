using Org.Lfedge.Eve.Info;
using Org.Lfedge.Eve.Metrics;

namespace Eve.Appliance.Agent.Reporting;

/// <summary>Where device info and metrics come from (the host's /proc and /sys).</summary>
internal interface ITelemetrySource
{
    ZInfoDevice DeviceInfo();

    deviceMetric DeviceMetrics();
}
