using System.Security.Cryptography;
using System.Text.Json;
using Eve.Appliance.Controller.Pki;
using Eve.Appliance.Platform.Files;
using Eve.Appliance.Store;

namespace Eve.Appliance.Controller.Backup;

/// <summary>
/// Exports what makes the controller itself: the store (devices and their certs, configs and
/// versions, objects, operators, audit, telemetry), the PKI (so devices keep trusting the server
/// and its signatures: no re-onboarding) and the built-in datastore's images. Restoring them into a
/// fresh data folder on replacement hardware gives devices the same controller.
/// </summary>
internal static class ControllerBackup
{
    private const string StoreFile = "controller.db";

    /// <summary>Backup of a running controller (through its open store), or of a stopped one
    /// (<paramref name="store"/> null: the files are copied as they are).</summary>
    public static BackupManifest Create(string dataDir, ControllerStore? store, string outDir, TimeProvider time)
    {
        if (Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any())
            throw new IOException($"backup folder {outDir} is not empty; give a new or empty folder");
        Directory.CreateDirectory(outDir);
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var target = Path.Combine(outDir, StoreFile);
        if (store != null) store.CopyTo(target);
        else
        {
            var source = Path.Combine(dataDir, StoreFile);
            if (!File.Exists(source)) throw new FileNotFoundException($"no controller store in {dataDir} (no {StoreFile})");
            if (File.Exists(Path.Combine(dataDir, "controller-log.db")))
                throw new IOException($"{dataDir} has a LiteDB log (controller-log.db): the controller was not shut down cleanly or is running; start it and back up through it (`eve-appliance backup` does that when its socket answers)");
            File.Copy(source, target);
        }
        files[StoreFile] = Hash(target);
        foreach (var (dir, name) in new[] { (PkiFiles.In(dataDir).Dir, "pki"), (Path.Combine(dataDir, "images", "sha256"), "images/sha256") })
        {
            if (!Directory.Exists(dir)) continue;
            Directory.CreateDirectory(Path.Combine(outDir, name));
            foreach (var file in Directory.EnumerateFiles(dir).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal))
            {
                var rel = $"{name}/{Path.GetFileName(file)}";
                File.Copy(file, Path.Combine(outDir, rel));
                files[rel] = Hash(Path.Combine(outDir, rel));
            }
        }
        var serverName = File.Exists(PkiFiles.In(dataDir).ServerNameFile) ? File.ReadAllText(PkiFiles.In(dataDir).ServerNameFile).Trim() : "";
        var manifest = new BackupManifest(BackupManifest.CurrentFormat, time.GetUtcNow().UtcDateTime, ControllerStore.SchemaVersion, serverName, files);
        AtomicFile.Write(Path.Combine(outDir, BackupManifest.FileName), JsonSerializer.SerializeToUtf8Bytes(manifest, new JsonSerializerOptions { WriteIndented = true }));
        return manifest;
    }

    /// <summary>Restores a backup into a fresh data folder (refused when it already holds a store or a
    /// PKI: restoring over a live controller would fork its identity).</summary>
    public static BackupManifest Restore(string backupDir, string dataDir)
    {
        var manifestPath = Path.Combine(backupDir, BackupManifest.FileName);
        if (!File.Exists(manifestPath)) throw new FileNotFoundException($"{backupDir} is not a backup (no {BackupManifest.FileName})");
        var manifest = JsonSerializer.Deserialize<BackupManifest>(File.ReadAllBytes(manifestPath))
            ?? throw new InvalidDataException($"{manifestPath} is empty");
        if (manifest.Format != BackupManifest.CurrentFormat) throw new InvalidDataException($"{manifestPath}: format '{manifest.Format}' is not {BackupManifest.CurrentFormat}");
        if (manifest.SchemaVersion > ControllerStore.SchemaVersion)
            throw new InvalidDataException($"the backup's store has schema {manifest.SchemaVersion}, newer than this eve-appliance ({ControllerStore.SchemaVersion}); restore with a newer eve-appliance");
        foreach (var (rel, sha) in manifest.Files)
        {
            var file = Path.Combine(backupDir, rel);
            if (rel.Contains("..", StringComparison.Ordinal) || Path.IsPathRooted(rel)) throw new InvalidDataException($"{manifestPath}: bad path '{rel}'");
            if (!File.Exists(file)) throw new InvalidDataException($"backup is incomplete: {rel} is missing");
            if (Hash(file) != sha) throw new InvalidDataException($"backup is damaged: {rel} does not match its SHA-256 in the manifest");
        }
        if (File.Exists(Path.Combine(dataDir, StoreFile)) || Directory.Exists(PkiFiles.In(dataDir).Dir))
            throw new IOException($"{dataDir} already has a controller (store or PKI); restore into a fresh data folder");
        Directory.CreateDirectory(dataDir);
        foreach (var rel in manifest.Files.Keys)
        {
            var to = Path.Combine(dataDir, rel);
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(Path.Combine(backupDir, rel), to);
            if (rel.EndsWith(".key.pem", StringComparison.Ordinal)) File.SetUnixFileMode(to, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return manifest;
    }

    private static string Hash(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
