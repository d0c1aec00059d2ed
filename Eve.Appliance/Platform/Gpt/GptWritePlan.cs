namespace Eve.Appliance.Platform.Gpt;

/// <summary>One step of a GPT rewrite: a whole-sector write, or (Data null) an fsync barrier.</summary>
internal readonly record struct GptWriteStep(ulong Lba, byte[]? Data)
{
    public bool IsFlush => Data == null;

    public static GptWriteStep Flush { get; } = new(0, null);
}

/// <summary>The ordered sector writes and barriers that turn what is on disk into a target table.
/// Kept as data so tests can cut the sequence at every point and tear any sector.</summary>
internal sealed record GptWritePlan(IReadOnlyList<GptWriteStep> Steps)
{
    public int SectorWrites => Steps.Count(s => !s.IsFlush);
}
