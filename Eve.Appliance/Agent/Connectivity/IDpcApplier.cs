namespace Eve.Appliance.Agent.Connectivity;

/// <summary>Configures the device's ports as a DPC says (addresses, routes, DHCP clients).</summary>
internal interface IDpcApplier
{
    /// <summary>Undoes the previous DPC on its ports and applies <paramref name="dpc"/>.</summary>
    Task ApplyAsync(DevicePortConfig dpc, CancellationToken ct);

    /// <summary>Stops every DHCP client this applier started (by its recorded pid).</summary>
    Task StopAsync(CancellationToken ct);

    /// <summary>The port names present, for the last-resort DPC.</summary>
    Task<IReadOnlyList<string>> ListPortNamesAsync(CancellationToken ct);
}
