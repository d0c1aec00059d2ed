namespace Eve.Appliance.Platform.Qemu;

/// <summary>Host-side cost of one VM: cpu time used by its QEMU process and its resident memory.</summary>
internal sealed record QemuProcessStats(TimeSpan CpuTime, long RssBytes);
