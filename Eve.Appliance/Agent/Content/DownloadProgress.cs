namespace Eve.Appliance.Agent.Content;

/// <summary>Progress of one blob, for ZInfo's download percent and bytes.</summary>
internal readonly record struct DownloadProgress(string Sha256, long BytesDone, long? BytesTotal)
{
    public int? Percent => BytesTotal is > 0 and var total ? (int)Math.Min(100, BytesDone * 100 / total) : null;
}
