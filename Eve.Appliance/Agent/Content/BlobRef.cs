namespace Eve.Appliance.Agent.Content;

/// <summary>A verified blob in the store: its sha256 (lowercase hex), path and size.</summary>
internal sealed record BlobRef(string Sha256, string Path, long Size);
