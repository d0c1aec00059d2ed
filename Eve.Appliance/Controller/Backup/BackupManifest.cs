namespace Eve.Appliance.Controller.Backup;

/// <summary>manifest.json of a backup folder: what it holds and each file's SHA-256, so a restore
/// refuses a damaged or partial copy (a USB stick pulled too early) before touching anything.</summary>
internal sealed record BackupManifest(string Format, DateTime CreatedAt, int SchemaVersion, string ServerName, IReadOnlyDictionary<string, string> Files)
{
    public const string CurrentFormat = "eve-appliance-backup/1";
    public const string FileName = "manifest.json";
}
