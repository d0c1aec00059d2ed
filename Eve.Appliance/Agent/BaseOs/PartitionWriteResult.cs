namespace Eve.Appliance.Agent.BaseOs;

/// <summary>What <see cref="PartitionWriter"/> did: bytes written, the sha256 computed while
/// writing (and found again on read-back), and how long each half took.</summary>
internal sealed record PartitionWriteResult(string Partition, long Bytes, string Sha256, TimeSpan WriteTime, TimeSpan VerifyTime)
{
    /// <summary>Write throughput including the fsync, MB/s (10^6 bytes).</summary>
    public double WriteMBps => Bytes / 1e6 / Math.Max(WriteTime.TotalSeconds, 1e-9);

    public double VerifyMBps => Bytes / 1e6 / Math.Max(VerifyTime.TotalSeconds, 1e-9);
}
