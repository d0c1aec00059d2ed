namespace Eve.Appliance.Agent.Connectivity;

/// <summary>What <see cref="DpcListStore"/> writes: the ordered DPCs, the working index (-1: none), and
/// file name → SHA-256 of the ingested override/usb files.</summary>
internal sealed record DpcListFile(
    IReadOnlyList<DevicePortConfig> Dpcs,
    int CurrentIndex,
    Dictionary<string, string> Ingested);
