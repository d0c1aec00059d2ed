namespace Eve.Appliance.Agent.Content;

/// <summary>What a garbage collection removed.</summary>
internal sealed record CollectResult(IReadOnlyList<string> RemovedBlobs, int RemovedPartials, long FreedBytes);
