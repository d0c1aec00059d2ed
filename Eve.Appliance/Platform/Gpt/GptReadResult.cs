namespace Eve.Appliance.Platform.Gpt;

/// <summary>What <see cref="GptReader"/> found: the table to trust, and what is wrong with each
/// copy (null when the copy is fine).</summary>
internal sealed record GptReadResult(
    GptTable Table,
    string? PrimaryProblem,
    string? BackupProblem,
    bool BackupStale,
    IReadOnlyList<string> TableProblems)
{
    public bool PrimaryValid => PrimaryProblem == null;
    public bool BackupValid => BackupProblem == null;

    /// <summary>One copy is damaged, or the backup holds an older table than the primary.</summary>
    public bool NeedsRepair => !PrimaryValid || !BackupValid || BackupStale;
}
