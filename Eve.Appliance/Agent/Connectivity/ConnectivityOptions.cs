namespace Eve.Appliance.Agent.Connectivity;

/// <summary>Port management is off unless <see cref="Netns"/> names the network namespace that holds
/// the device's ports, so <c>make run</c> on a workstation never touches the host's interfaces.</summary>
internal sealed record ConnectivityOptions
{
    /// <summary>The namespace whose ports the DPCs configure; null: connectivity management is off.</summary>
    public string? Netns { get; init; }

    /// <summary>Where <c>override.json</c>/<c>usb.json</c> are read; default <c>CONFIG/DevicePortConfig</c>.</summary>
    public string? DevicePortConfigDir { get; init; }

    public DpcTimers Timers { get; init; } = new();
}
