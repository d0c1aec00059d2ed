namespace Eve.Appliance.Agent.Connectivity;

/// <summary>One candidate configuration of the device's ports (EVE's DevicePortConfig, "DPC"): where it
/// came from (<see cref="Key"/>), when it was made (<see cref="TimePriority"/>, newer wins), its ports, and
/// what the last connectivity tests said about it.</summary>
internal sealed record DevicePortConfig(
    string Key,
    DateTimeOffset TimePriority,
    IReadOnlyList<DpcPort> Ports)
{
    /// <summary>EVE's source keys. The controller's DPC is "zedagent"; "lastresort" is DHCP on every port.</summary>
    public const string ControllerKey = "zedagent";
    public const string OverrideKey = "override";
    public const string UsbKey = "usb";
    public const string LastResortKey = "lastresort";
    /// <summary>EVE's key for the controller's DPC with the local operator's port settings in it (LPS).</summary>
    public const string LocalOperatorKey = "lps";

    public DateTimeOffset? LastSucceeded { get; init; }
    public DateTimeOffset? LastFailed { get; init; }
    public string? LastError { get; init; }

    public bool IsLastResort => Key == LastResortKey;

    /// <summary>Never tested, or tested without result yet.</summary>
    public bool IsUntested => LastSucceeded == null && LastFailed == null;

    /// <summary>The last test that finished said "works".</summary>
    public bool WasWorking => LastSucceeded != null && (LastFailed == null || LastSucceeded >= LastFailed);

    /// <summary>Same source and same ports: the test history is kept, nothing is re-applied.</summary>
    public bool SameConfigAs(DevicePortConfig other) =>
        Key == other.Key && Ports.Count == other.Ports.Count && Ports.Zip(other.Ports).All(p => p.First == p.Second);

    public override string ToString() => $"{Key}@{TimePriority:O}";
}
