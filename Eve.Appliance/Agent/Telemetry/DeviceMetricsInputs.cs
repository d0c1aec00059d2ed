using Org.Lfedge.Eve.Metrics;

namespace Eve.Appliance.Agent.Telemetry;

/// <summary>What other subsystems contribute to the device metric: the collector reads the host, these
/// come from the config, app and controller-comm parts when they exist. All optional.</summary>
internal sealed record DeviceMetricsInputs
{
    public DateTimeOffset? LastReceivedConfig { get; init; }

    public DateTimeOffset? LastProcessedConfig { get; init; }

    /// <summary>Memory promised to running app instances, for deviceMemory.allocated_appsMB.</summary>
    public uint AllocatedAppsMb { get; init; }

    public IReadOnlyList<zedcloudMetric> Zedcloud { get; init; } = [];

    /// <summary>Hook for fields no subsystem above covers yet (newlog counters, cipher, flowlog…).</summary>
    public Action<deviceMetric>? Extend { get; init; }
}
