namespace Eve.Appliance.Agent.Telemetry.Proc;

/// <summary>A network interface from /sys/class/net with its addresses.</summary>
internal sealed record NetAdapter(string Name, string MacAddress, bool IsUp, IReadOnlyList<string> Addresses);
