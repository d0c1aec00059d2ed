using System.Collections.Concurrent;

namespace Eve.Appliance.Agent.Content;

/// <summary>Content-addressed blobs on disk, shared by every app that uses the same image:
/// <c>blobs/sha256/&lt;hex&gt;</c> holds only verified content (it appears there by fsync + rename
/// after the hash matched), <c>partial/&lt;hex&gt;</c> holds downloads in progress so they resume.
/// <code>
/// root/
///   blobs/sha256/&lt;64 hex&gt;   verified, read-only by convention
///   partial/&lt;64 hex&gt;        bytes received so far
/// </code></summary>
internal sealed class BlobStore
{
    private readonly ConcurrentDictionary<string, int> _pins = new();

    public BlobStore(string root)
    {
        Root = Path.GetFullPath(root);
        BlobDir = Path.Combine(Root, "blobs", "sha256");
        PartialDir = Path.Combine(Root, "partial");
        Directory.CreateDirectory(BlobDir);
        Directory.CreateDirectory(PartialDir);
    }

    public string Root { get; }
    public string BlobDir { get; }
    public string PartialDir { get; }

    /// <summary>Accepts "sha256:HEX" or HEX in either case; returns lowercase hex or throws.</summary>
    public static string NormalizeSha256(string digest)
    {
        var hex = digest.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase) ? digest[7..] : digest;
        if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit))
            throw new ContentException(ContentErrorKind.InvalidArgument,
                $"'{digest}' is not a sha256 digest: expected 64 hex digits, optionally prefixed with 'sha256:'");
        return hex.ToLowerInvariant();
    }

    public string BlobPath(string sha256) => Path.Combine(BlobDir, NormalizeSha256(sha256));

    public string PartialPath(string sha256) => Path.Combine(PartialDir, NormalizeSha256(sha256));

    public BlobRef? TryGet(string sha256)
    {
        var path = BlobPath(sha256);
        var info = new FileInfo(path);
        return info.Exists ? new BlobRef(NormalizeSha256(sha256), path, info.Length) : null;
    }

    public IEnumerable<string> List() =>
        Directory.EnumerateFiles(BlobDir).Select(Path.GetFileName).OfType<string>().Where(n => n.Length == 64);

    /// <summary>Moves a fully received and verified partial file into the store.</summary>
    public BlobRef Commit(string sha256)
    {
        var hex = NormalizeSha256(sha256);
        DurableFile.Publish(PartialPath(hex), BlobPath(hex));
        return TryGet(hex)!;
    }

    public void Delete(string sha256)
    {
        File.Delete(BlobPath(sha256));
        File.Delete(PartialPath(sha256));
    }

    /// <summary>Keeps <see cref="Collect"/> away from a hash while a download runs for it.</summary>
    public IDisposable Pin(string sha256)
    {
        var hex = NormalizeSha256(sha256);
        _pins.AddOrUpdate(hex, 1, (_, n) => n + 1);
        return new Unpin(this, hex);
    }

    /// <summary>Removes every blob and partial download whose hash is neither in
    /// <paramref name="liveHashes"/> (what volumes and configs still reference) nor pinned.</summary>
    public CollectResult Collect(IEnumerable<string> liveHashes)
    {
        var live = liveHashes.Select(NormalizeSha256).ToHashSet(StringComparer.Ordinal);
        var removed = new List<string>();
        long freed = 0;
        foreach (var hex in List().ToList())
        {
            if (live.Contains(hex) || _pins.ContainsKey(hex)) continue;
            var info = new FileInfo(Path.Combine(BlobDir, hex));
            freed += info.Exists ? info.Length : 0;
            info.Delete();
            removed.Add(hex);
        }
        var partials = 0;
        foreach (var path in Directory.EnumerateFiles(PartialDir).ToList())
        {
            var name = Path.GetFileName(path);
            if (live.Contains(name) || _pins.ContainsKey(name)) continue;
            freed += new FileInfo(path).Length;
            File.Delete(path);
            partials++;
        }
        if (removed.Count > 0) DurableFile.SyncDirectory(BlobDir);
        return new CollectResult(removed, partials, freed);
    }

    private sealed class Unpin(BlobStore store, string hex) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 1) return;
            // Decrement and drop the key at zero; a concurrent Pin between the two is rare and only
            // costs one extra collect cycle for that blob.
            if (store._pins.AddOrUpdate(hex, 0, (_, n) => n - 1) <= 0) store._pins.TryRemove(new KeyValuePair<string, int>(hex, 0));
        }
    }
}
