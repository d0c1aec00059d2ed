using Org.Lfedge.Eve.Metrics;

namespace Eve.Appliance.Agent.Telemetry.Logs;

/// <summary>The spool's own health in each ZMetricMsg (deviceMetric.newlog, as EVE's loguploader
/// reports it): bytes uploaded, the current upload interval, whether uploads fail, chunks removed by
/// the quota, refusals, and what waits on disk.</summary>
internal static class LogSpoolMetrics
{
    public static void Fill(ZMetricMsg msg, AgentLogSpool spool, LogUploader uploader)
    {
        if (msg.Dm == null) return;
        var queue = spool.Queue;
        var pending = queue.ListPending();
        var sent = queue.ListSent();
        msg.Dm.Newlog = new newlogMetric
        {
            FailedToSend = uploader.Backoff > TimeSpan.Zero,
            TotalBytesUpload = (ulong)uploader.BytesSent,
            Num4XxResponses = (uint)Math.Min(uint.MaxValue, uploader.Refusals),
            CurrentUploadIntv = (uint)uploader.CurrentInterval.TotalSeconds,
            LogfileTimeout = (uint)spool.Writer.Options.MaxSegmentAge.TotalSeconds,
            MaxGzipFileSize = (uint)spool.Writer.Options.MaxChunkBytes,
            GzipFilesRemoved = (uint)Math.Min(uint.MaxValue, queue.DroppedSentChunks + queue.DroppedUnsentChunks),
            TooManyRequest = (uint)Math.Min(uint.MaxValue, uploader.AwayAttempts),
            TotalSizeLogs = (ulong)(pending.Sum(c => c.Bytes) + sent.Sum(c => c.Bytes)),
            DeviceMetrics = new logfileMetrics
            {
                NumGzipFileSent = (ulong)uploader.ChunksSent,
                NumGzipFileInDir = (uint)pending.Count,
            },
        };
    }
}
