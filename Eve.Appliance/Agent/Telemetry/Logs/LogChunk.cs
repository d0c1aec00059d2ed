namespace Eve.Appliance.Agent.Telemetry.Logs;

/// <summary>A packed upload chunk on disk: pending/&lt;id&gt;.&lt;stream&gt;.gz (or in sent/). The gzip bytes are
/// the AuthBody payload for the stream's newlogs URL as they are.</summary>
internal sealed record LogChunk(LogChunkId Id, string Stream, string Path, long Bytes)
{
    public const string Extension = ".gz";

    /// <summary>The app instance UUID for app chunks (upload to …/apps/instanceid/{uuid}/newlogs).</summary>
    public string? AppUuid => LogStreams.AppUuidOf(Stream);

    public static string FileName(LogChunkId id, string stream) => $"{id}.{stream}{Extension}";

    public static LogChunk? FromPath(string path)
    {
        var name = System.IO.Path.GetFileName(path);
        if (!name.EndsWith(Extension, StringComparison.Ordinal) || name.Length < 19 || name[17] != '.') return null;
        if (!LogChunkId.TryParse(name.AsSpan(0, 17), out var id)) return null;
        var stream = name[18..^Extension.Length];
        if (!LogStreams.IsValid(stream)) return null;
        return new LogChunk(id, stream, path, new FileInfo(path).Length);
    }
}
