namespace Eve.Appliance.Agent.Networks;

/// <summary>Where the networks subsystem works. <see cref="Netns"/> is the namespace holding the device
/// side (bridges, taps, rules, dnsmasq) — on a workstation the appliance's own namespace, so the host's
/// interfaces and firewall are never touched; null on a dedicated box. <see cref="RunDir"/> holds one
/// folder per dnsmasq instance.</summary>
internal sealed record NetworksOptions(string? Netns, string RunDir);
