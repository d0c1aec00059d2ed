namespace Eve.Appliance.Api.NewLogs;

/// <summary>The RFC 1952 member header fields newlogs uses. <see cref="Name"/> and <see cref="Comment"/>
/// are ISO 8859-1 on the wire (as Go's compress/gzip writes them), so they must not contain characters
/// above U+00FF or NUL; the codec escapes before it gets here.</summary>
internal sealed record GzipHeader
{
    /// <summary>MTIME: seconds since the Unix epoch; 0 means "no time".</summary>
    public uint ModTimeUnix { get; init; }

    public string? Name { get; init; }

    public string? Comment { get; init; }

    public byte[]? Extra { get; init; }

    /// <summary>XFL: 2 = maximum compression, 4 = fastest (what Go writes for those levels), else 0.</summary>
    public byte ExtraFlags { get; init; }

    /// <summary>OS: 255 = unknown, which is what Go's gzip writer always sends.</summary>
    public byte OperatingSystem { get; init; } = 255;

    /// <summary>True when the header carried FHCRC (reader only; the writer never sets it).</summary>
    public bool HadHeaderCrc { get; init; }

    public DateTimeOffset ModTime => DateTimeOffset.FromUnixTimeSeconds(ModTimeUnix);
}
