using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Eve.Appliance.Controller.Images;
using Eve.Appliance.Platform.Files;
using Eve.Appliance.Platform.Processes;

namespace Eve.Appliance.Provisioning;

/// <summary>Ingests a provisioning stick once: reads <c>eve-provision.json</c> from a folder or a
/// FAT device/image (mtools, no mount), verifies every file against it before touching anything,
/// copies the config files into the device's config folder, registers the images in the embedded
/// controller's built-in datastore (<see cref="ImageStore"/> under the same DATA, by sha256) so an
/// app can use them on a site with no network, and only then records the manifest's sha256 in
/// <c>DATA/provision/ingested</c>. A stick already recorded is left alone; a power cut before the
/// record means the (idempotent) copy happens again on the next boot.
/// Images may be large: they are staged as files under DATA and hashed from there, never held in
/// memory, and the staging is removed whatever happens.</summary>
internal sealed class UsbStickIngester(IProcessRunner runner, TimeProvider time)
{
    /// <summary>One image taken from a stick: its file name there and where the controller serves it.</summary>
    public sealed record IngestedImage(string Name, string Sha256, long Size);

    public sealed record Result(string ManifestSha256, bool AlreadyIngested, IReadOnlyList<string> ConfigFiles, IReadOnlyList<IngestedImage> Images);

    public static string LedgerPath(string dataDir) => Path.Combine(dataDir, "provision", "ingested");

    /// <summary>Name on the stick → sha256, for the operator (the store itself knows only hashes).</summary>
    public static string ImageNamesPath(string dataDir) => Path.Combine(dataDir, "provision", "images.json");

    public static string ConfigDir(string dataDir) => Path.Combine(dataDir, "device", "config");

    public async Task<Result> IngestAsync(string source, string dataDir, CancellationToken ct = default)
    {
        bool folder = Directory.Exists(source);
        if (!folder && !File.Exists(source)) throw new FileNotFoundException($"provisioning source {source} does not exist");
        var manifestBytes = await ReadManifestAsync(source, folder, ct).ConfigureAwait(false);
        var hash = ProvisionManifest.Hash(manifestBytes);
        var manifest = ProvisionManifest.Parse(manifestBytes, source);
        if (Ingested(dataDir).Contains(hash)) return new Result(hash, true, [], []);

        var staging = Path.Combine(dataDir, "provision", $".staging-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            // Verify everything first: a stick with one bad file changes nothing on the device.
            var verified = new SortedDictionary<string, string>(StringComparer.Ordinal); // stick path -> a local file with those bytes
            foreach (var (path, sha) in manifest.Files)
            {
                var local = await FetchAsync(source, folder, path, staging, ct).ConfigureAwait(false);
                var actual = await Sha256Async(local, ct).ConfigureAwait(false);
                if (!string.Equals(actual, sha, StringComparison.OrdinalIgnoreCase))
                    throw new InvalidDataException($"provisioning stick {source}: {path} has sha256 {actual}, its manifest says {sha}; the stick is damaged or was altered, nothing was ingested");
                verified[path] = local;
            }
            var config = new List<string>();
            var images = new List<IngestedImage>();
            var store = new ImageStore(dataDir);
            foreach (var (path, local) in verified)
            {
                if (path.StartsWith("config/", StringComparison.Ordinal))
                {
                    var rel = path["config/".Length..];
                    AtomicFile.Write(Path.Combine(ConfigDir(dataDir), rel), await File.ReadAllBytesAsync(local, ct).ConfigureAwait(false),
                        rel.EndsWith(".key.pem", StringComparison.Ordinal) ? AtomicFile.Private : AtomicFile.Public);
                    config.Add(rel);
                }
                else
                {
                    var record = await store.AddAsync(local, ct).ConfigureAwait(false);
                    if (!string.Equals(record.Sha256, manifest.Files[path], StringComparison.OrdinalIgnoreCase))
                    {
                        store.Delete(record.Sha256);
                        throw new InvalidDataException($"provisioning stick {source}: {path} changed while it was read (sha256 {record.Sha256}, manifest {manifest.Files[path]}); the image was not registered");
                    }
                    images.Add(new IngestedImage(path["images/".Length..], record.Sha256, record.Size));
                }
            }
            if (images.Count > 0) RecordNames(dataDir, images);
            var ledger = LedgerPath(dataDir);
            var line = $"{hash} {time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)} {source}\n";
            AtomicFile.WriteText(ledger, (File.Exists(ledger) ? File.ReadAllText(ledger) : "") + line);
            return new Result(hash, false, config, images);
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    private static void RecordNames(string dataDir, IEnumerable<IngestedImage> images)
    {
        var file = ImageNamesPath(dataDir);
        var names = File.Exists(file) ? JsonNode.Parse(File.ReadAllText(file)) as JsonObject ?? [] : [];
        foreach (var i in images) names[i.Name] = i.Sha256;
        AtomicFile.WriteText(file, names.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private static async Task<string> Sha256Async(string file, CancellationToken ct)
    {
        await using var s = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(s, ct).ConfigureAwait(false));
    }

    /// <summary>The manifest hashes this device has ingested.</summary>
    public static HashSet<string> Ingested(string dataDir)
    {
        var ledger = LedgerPath(dataDir);
        return File.Exists(ledger)
            ? File.ReadAllLines(ledger).Select(l => l.Split(' ')[0]).Where(h => h.Length == 64).ToHashSet(StringComparer.Ordinal)
            : [];
    }

    private async Task<byte[]> ReadManifestAsync(string source, bool folder, CancellationToken ct)
    {
        if (folder) return await File.ReadAllBytesAsync(await FetchAsync(source, true, ProvisionManifest.FileName, "", ct).ConfigureAwait(false), ct).ConfigureAwait(false);
        var tmp = Path.Combine(Path.GetTempPath(), $"eve-provision-{Guid.NewGuid():N}");
        try
        {
            return await File.ReadAllBytesAsync(await FetchAsync(source, false, ProvisionManifest.FileName, tmp, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
        }
        finally
        {
            if (Directory.Exists(tmp)) Directory.Delete(tmp, recursive: true);
        }
    }

    /// <summary>A local file holding the stick's <paramref name="path"/>: the file itself on a folder
    /// stick, a copy in <paramref name="staging"/> from a FAT one (mcopy; mtype would do for text,
    /// but images are binary and may be large).</summary>
    private async Task<string> FetchAsync(string source, bool folder, string path, string staging, CancellationToken ct)
    {
        if (folder)
        {
            var f = Path.Combine(source, path);
            if (!File.Exists(f)) throw new FileNotFoundException($"provisioning stick {source} has no {path}");
            return f;
        }
        Directory.CreateDirectory(staging);
        var local = Path.Combine(staging, Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(path)))[..16]);
        var r = await runner.RunAsync("env", ["MTOOLS_SKIP_CHECK=1", "mcopy", "-n", "-i", source, "::/" + path, local],
            TimeSpan.FromMinutes(30), check: false, ct: ct).ConfigureAwait(false);
        if (r.ExitCode != 0 || !File.Exists(local))
            throw new FileNotFoundException($"provisioning stick {source} has no readable {path} (mcopy: {r.Stderr.Trim()}); is it a FAT stick written by `eve-appliance provision usb`?");
        return local;
    }
}
