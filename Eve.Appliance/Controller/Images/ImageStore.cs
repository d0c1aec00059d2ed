using System.Security.Cryptography;
using Eve.Appliance.Platform.Files;

namespace Eve.Appliance.Controller.Images;

/// <summary>The controller's built-in datastore: images the operator added, stored by their sha256
/// under DATA/images/sha256/&lt;hex&gt; (written to a temp file while hashing, fsynced, renamed), so
/// a device asking for a hash gets exactly those bytes and the same image added twice is one file.</summary>
internal sealed class ImageStore
{
    /// <summary>Where devices fetch images, below the device API's TLS port (APIv2.md allows /api/v2/ext/…).</summary>
    public const string UrlPath = "api/v2/ext/images";

    public ImageStore(string dataDir)
    {
        Dir = Path.Combine(Path.GetFullPath(dataDir), "images", "sha256");
        Directory.CreateDirectory(Dir);
    }

    public string Dir { get; }

    /// <summary>Copies <paramref name="file"/> into the store; returns its sha256 and size.</summary>
    public async Task<ImageRecord> AddAsync(string file, CancellationToken ct = default)
    {
        if (!File.Exists(file))
            throw ApiError.BadRequest($"image file {file} does not exist (give a path the controller can read)");
        var tmp = Path.Combine(Dir, $".add.{Guid.NewGuid():N}.tmp");
        try
        {
            string hex;
            long size;
            await using (var source = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
            await using (var target = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[1 << 20];
                int n;
                while ((n = await source.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer.AsSpan(0, n));
                    await target.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                }
                target.Flush(flushToDisk: true);
                size = target.Length;
                hex = Convert.ToHexStringLower(hash.GetHashAndReset());
            }
            var path = Path.Combine(Dir, hex);
            if (File.Exists(path)) File.Delete(tmp);
            else
            {
                File.Move(tmp, path);
                AtomicFile.FsyncDirectory(Dir);
            }
            return new ImageRecord(hex, size, Path.GetFileName(file));
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    /// <summary>The stored file for a hash, or null (also for anything that is not 64 hex digits,
    /// so a request path can never reach outside the store).</summary>
    public string? PathOf(string sha256)
    {
        var hex = sha256.ToLowerInvariant();
        if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit)) return null;
        var path = Path.Combine(Dir, hex);
        return File.Exists(path) ? path : null;
    }

    public IReadOnlyList<ImageRecord> List() =>
        Directory.EnumerateFiles(Dir).Select(p => new FileInfo(p)).Where(f => f.Name.Length == 64)
            .Select(f => new ImageRecord(f.Name, f.Length, "")).OrderBy(r => r.Sha256, StringComparer.Ordinal).ToList();

    public bool Delete(string sha256)
    {
        if (PathOf(sha256) is not { } path) return false;
        File.Delete(path);
        return true;
    }
}
