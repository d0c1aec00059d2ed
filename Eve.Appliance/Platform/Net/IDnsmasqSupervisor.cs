namespace Eve.Appliance.Platform.Net;

/// <summary>One daemonized dnsmasq per network instance, each with its own config, pid file, lease file
/// and log under <c>RUN/INSTANCE/</c>. Processes outlive the appliance and are adopted on restart.</summary>
internal interface IDnsmasqSupervisor
{
    /// <summary>Starts the instance, or adopts it when it already runs with the same config, or restarts
    /// it when its config changed.</summary>
    Task<DnsmasqProcess> EnsureRunningAsync(DnsmasqConfig config, string? netns, CancellationToken ct);

    /// <summary>Stops the instance by the pid it recorded and removes its files; false if it was not running.</summary>
    Task<bool> StopAsync(string instance, CancellationToken ct);

    /// <summary>The running instance, or null.</summary>
    DnsmasqProcess? Find(string instance);

    /// <summary>Instances that have a directory under the run dir (running or not).</summary>
    IReadOnlyList<string> ListInstances();

    IReadOnlyList<DhcpLease> ReadLeases(string instance);

    /// <summary>The hash <see cref="Find"/> reports for a process running exactly this config.</summary>
    string HashOf(DnsmasqConfig config);
}
