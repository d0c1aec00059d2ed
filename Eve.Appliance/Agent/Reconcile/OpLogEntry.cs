namespace Eve.Appliance.Agent.Reconcile;

/// <summary>One operation the engine ran (or started, when <see cref="InProgress"/>), with its outcome.</summary>
internal sealed record OpLogEntry(
    ItemRef Item,
    Operation Operation,
    DateTimeOffset Start,
    DateTimeOffset End,
    bool InProgress = false,
    string? Error = null,
    string? PrevError = null)
{
    public override string ToString() =>
        $"{Operation} {Item}" + (InProgress ? " (in progress)" : "") + (Error != null ? $": {Error}" : "");
}
