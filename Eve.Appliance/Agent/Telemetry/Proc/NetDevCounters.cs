namespace Eve.Appliance.Agent.Telemetry.Proc;

/// <summary>One interface line of /proc/net/dev.</summary>
internal sealed record NetDevCounters(string Name, ulong RxBytes, ulong RxPackets, ulong RxErrors, ulong RxDrops,
    ulong TxBytes, ulong TxPackets, ulong TxErrors, ulong TxDrops);
