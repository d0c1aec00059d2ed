namespace Eve.Appliance.Agent.Telemetry.Proc;

/// <summary>What /proc/cpuinfo says about the processors.</summary>
internal sealed record CpuInfo(int LogicalCpus, string ModelName, string Vendor, bool HardwareVirtualization);
