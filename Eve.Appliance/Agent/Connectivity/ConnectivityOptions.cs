namespace Eve.Appliance.Agent.Connectivity;

/// <summary>Port management is off unless <see cref="Netns"/> names the network namespace that holds
/// the device's ports, so <c>make run</c> on a workstation never touches the host's interfaces.</summary>
internal sealed record ConnectivityOptions
{
    /// <summary>The namespace whose ports the DPCs configure; null: connectivity management is off.</summary>
    public string? Netns { get; init; }

    /// <summary>The agent's /persist (DPC list, status for <c>diag</c>, DHCP client state).</summary>
    public required string PersistDir { get; init; }

    /// <summary>The controller lies beyond the ports (an upstream one, or the <c>agent</c> command): its
    /// traffic goes out through them and the DPC test must reach it. False for the embedded controller on
    /// loopback, where the test checks address, route and DNS only.</summary>
    public bool BindControllerTraffic { get; init; }

    /// <summary>Where <c>override.json</c>/<c>usb.json</c> are read; default <c>CONFIG/DevicePortConfig</c>.</summary>
    public string? DevicePortConfigDir { get; init; }

    /// <summary>A FAT image (a USB stick, or a file standing for one) whose <c>/usb.json</c> is ingested once.</summary>
    public string? UsbImage { get; init; }

    public DpcTimers Timers { get; init; } = new();

    /// <summary>How often the local profile server's network endpoint is asked (EVE: every minute).</summary>
    public TimeSpan LpsInterval { get; init; } = TimeSpan.FromMinutes(1);
}
