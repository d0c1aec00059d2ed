namespace Eve.Appliance.Platform.Net;

/// <summary>A running dnsmasq we started, found by its pid file. <see cref="Adopted"/> is true when
/// <see cref="IDnsmasqSupervisor.EnsureRunningAsync"/> found it already running with the same config.</summary>
internal sealed record DnsmasqProcess(string Instance, int Pid, string ConfigHash, bool Adopted);
