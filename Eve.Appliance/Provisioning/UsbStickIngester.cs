using System.Globalization;
using System.Security.Cryptography;
using Eve.Appliance.Platform.Files;
using Eve.Appliance.Platform.Processes;

namespace Eve.Appliance.Provisioning;

/// <summary>Ingests a provisioning stick once: reads <c>eve-provision.json</c> from a folder or a
/// FAT device/image (mtools, no mount), verifies every file against it before touching anything,
/// copies the config files into the device's config folder and the images into
/// <c>DATA/provision/images</c>, and only then records the manifest's sha256 in
/// <c>DATA/provision/ingested</c>. A stick already recorded is left alone; a power cut before the
/// record means the (idempotent) copy happens again on the next boot.</summary>
internal sealed class UsbStickIngester(IProcessRunner runner, TimeProvider time)
{
    public sealed record Result(string ManifestSha256, bool AlreadyIngested, IReadOnlyList<string> ConfigFiles, IReadOnlyList<string> Images);

    public static string LedgerPath(string dataDir) => Path.Combine(dataDir, "provision", "ingested");

    public static string ImagesDir(string dataDir) => Path.Combine(dataDir, "provision", "images");

    public static string ConfigDir(string dataDir) => Path.Combine(dataDir, "device", "config");

    public async Task<Result> IngestAsync(string source, string dataDir, CancellationToken ct = default)
    {
        bool folder = Directory.Exists(source);
        if (!folder && !File.Exists(source)) throw new FileNotFoundException($"provisioning source {source} does not exist");
        var manifestBytes = folder ? await ReadFolderFileAsync(source, ProvisionManifest.FileName, ct).ConfigureAwait(false)
            : await ReadFatFileAsync(source, ProvisionManifest.FileName, ct).ConfigureAwait(false);
        var hash = ProvisionManifest.Hash(manifestBytes);
        var manifest = ProvisionManifest.Parse(manifestBytes, source);
        if (Ingested(dataDir).Contains(hash)) return new Result(hash, true, [], []);

        // Verify everything first: a stick with one bad file changes nothing on the device.
        var contents = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (path, sha) in manifest.Files)
        {
            var bytes = folder ? await ReadFolderFileAsync(source, path, ct).ConfigureAwait(false) : await ReadFatFileAsync(source, path, ct).ConfigureAwait(false);
            var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
            if (!string.Equals(actual, sha, StringComparison.OrdinalIgnoreCase))
                throw new InvalidDataException($"provisioning stick {source}: {path} has sha256 {actual}, its manifest says {sha}; the stick is damaged or was altered, nothing was ingested");
            contents[path] = bytes;
        }
        var config = new List<string>();
        var images = new List<string>();
        foreach (var (path, bytes) in contents.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            if (path.StartsWith("config/", StringComparison.Ordinal))
            {
                var rel = path["config/".Length..];
                AtomicFile.Write(Path.Combine(ConfigDir(dataDir), rel), bytes, rel.EndsWith(".key.pem", StringComparison.Ordinal) ? AtomicFile.Private : AtomicFile.Public);
                config.Add(rel);
            }
            else
            {
                var dest = Path.Combine(ImagesDir(dataDir), path["images/".Length..]);
                AtomicFile.Write(dest, bytes, AtomicFile.Public);
                images.Add(dest);
            }
        }
        var ledger = LedgerPath(dataDir);
        var line = $"{hash} {time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)} {source}\n";
        AtomicFile.WriteText(ledger, (File.Exists(ledger) ? File.ReadAllText(ledger) : "") + line);
        return new Result(hash, false, config, images);
    }

    /// <summary>The manifest hashes this device has ingested.</summary>
    public static HashSet<string> Ingested(string dataDir)
    {
        var ledger = LedgerPath(dataDir);
        return File.Exists(ledger)
            ? File.ReadAllLines(ledger).Select(l => l.Split(' ')[0]).Where(h => h.Length == 64).ToHashSet(StringComparer.Ordinal)
            : [];
    }

    private static async Task<byte[]> ReadFolderFileAsync(string dir, string path, CancellationToken ct)
    {
        var f = Path.Combine(dir, path);
        if (!File.Exists(f)) throw new FileNotFoundException($"provisioning stick {dir} has no {path}");
        return await File.ReadAllBytesAsync(f, ct).ConfigureAwait(false);
    }

    private async Task<byte[]> ReadFatFileAsync(string device, string path, CancellationToken ct)
    {
        // mcopy to a temp file: mtype would be fine for text, but images are binary.
        var tmp = Path.Combine(Path.GetTempPath(), $"eve-provision-{Guid.NewGuid():N}");
        try
        {
            var r = await runner.RunAsync("env", ["MTOOLS_SKIP_CHECK=1", "mcopy", "-n", "-i", device, "::/" + path, tmp],
                TimeSpan.FromMinutes(10), check: false, ct: ct).ConfigureAwait(false);
            if (r.ExitCode != 0 || !File.Exists(tmp))
                throw new FileNotFoundException($"provisioning stick {device} has no readable {path} (mcopy: {r.Stderr.Trim()}); is it a FAT stick written by `eve-appliance provision usb`?");
            return await File.ReadAllBytesAsync(tmp, ct).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(tmp);
        }
    }
}
