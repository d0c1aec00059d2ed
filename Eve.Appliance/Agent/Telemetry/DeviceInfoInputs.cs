using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Agent.Telemetry;

/// <summary>Device-info fields other subsystems own (base-OS partitions, port config, boot bookkeeping,
/// TPM). They arrive here so <see cref="DeviceInfoCollector"/> stays a pure reader of the host.</summary>
internal sealed record DeviceInfoInputs
{
    /// <summary>The persist mount: its size is ZInfoDevice.storage and its storageList entry is marked
    /// storageLocation.</summary>
    public string PersistPath { get; init; } = "/persist";

    public string? HostName { get; init; }

    public string? DeviceName { get; init; }

    public IReadOnlyList<ZInfoDevSW> SoftwarePartitions { get; init; } = [];

    /// <summary>The DPC list and which one is current.</summary>
    public SystemAdapterInfo? SystemAdapter { get; init; }

    public string? LastRebootReason { get; init; }

    public DateTimeOffset? LastRebootTime { get; init; }

    public BootReason LastBootReason { get; init; }

    public uint RestartCounter { get; init; }

    public uint RebootConfigCounter { get; init; }

    public HwSecurityModuleStatus HsmStatus { get; init; }

    public string? HsmInfo { get; init; }

    public bool HardwareWatchdogPresent { get; init; }

    public ZDeviceState State { get; init; } = ZDeviceState.Online;

    /// <summary>Hook for fields not covered yet (certs, app instances, attestation…).</summary>
    public Action<ZInfoDevice>? Extend { get; init; }
}
