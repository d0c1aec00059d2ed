namespace Eve.Appliance.Platform.Qemu;

/// <summary>One entry of query-blockstats: the counters the per-app metrics need.</summary>
internal sealed record QmpBlockStats(string Device, string? Qdev, long ReadBytes, long WriteBytes,
    long ReadOperations, long WriteOperations, long FlushOperations);
