namespace Eve.Appliance.Agent.Telemetry.Proc;

/// <summary>Resolver settings from etc/resolv.conf.</summary>
internal sealed record DnsConfig(IReadOnlyList<string> Servers, string Domain, IReadOnlyList<string> Search);
