namespace Eve.Appliance.Agent.Networks;

/// <summary>Where the networks subsystem works. <see cref="Netns"/> is the namespace holding the device
/// side (bridges, taps, rules, dnsmasq, the metadata servers and the VMs' QEMU) — on a workstation the
/// appliance's own namespace, so the host's interfaces and firewall are never touched; null on a dedicated
/// box. <see cref="RunDir"/> holds one folder per dnsmasq instance.</summary>
internal sealed record NetworksOptions(string? Netns, string RunDir)
{
    /// <summary>How often leases, learnt addresses and taps are looked at between reconcile passes.</summary>
    public TimeSpan ObserveInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Failed items are retried this often even when nothing changed.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often conntrack is read for flow logs (EVE sends flow logs every 2 minutes).</summary>
    public TimeSpan FlowLogInterval { get; init; } = TimeSpan.FromSeconds(60);
}
