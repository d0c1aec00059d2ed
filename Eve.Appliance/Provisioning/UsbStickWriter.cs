using System.Globalization;
using System.Security.Cryptography;
using Eve.Appliance.Platform.Files;
using Eve.Appliance.Platform.Processes;

namespace Eve.Appliance.Provisioning;

/// <summary>Writes a provisioning stick as a folder (to copy onto any FAT stick) or as a FAT image
/// (`dd` it to a stick; QEMU attaches it as a second disk). The manifest is written last, so a
/// half-written stick has none and a device ignores it. The image is made with mkfs.vfat + mtools:
/// no mount, no loop device, no root.</summary>
internal sealed class UsbStickWriter(IProcessRunner runner)
{
    private static readonly DateTimeOffset FixedTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string FixedEpoch = "SOURCE_DATE_EPOCH=" + FixedTime.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    public sealed record Result(string Path, string ManifestSha256, bool IsImage, long Bytes, int Files);

    public async Task<Result> WriteAsync(ProvisionBundle bundle, string output, CancellationToken ct = default)
    {
        bundle.Validate();
        bool image = output.EndsWith(".img", StringComparison.OrdinalIgnoreCase) || output.EndsWith(".raw", StringComparison.OrdinalIgnoreCase);
        if (!image) return WriteFolder(bundle, output);

        var stage = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(output))!, $".{Path.GetFileName(output)}.{Guid.NewGuid():N}.stage");
        try
        {
            var folder = WriteFolder(bundle, stage);
            // FAT stores times: fixed ones (files, folders, and mtools' "now") keep the image the same for the same contents.
            foreach (var entry in Directory.EnumerateFileSystemEntries(stage, "*", SearchOption.AllDirectories))
                File.SetLastWriteTimeUtc(entry, FixedTime.UtcDateTime);
            long kib = Math.Max(2048, (folder.Bytes / 1024 * 11 / 10) + 1024);
            kib = (kib + 1023) / 1024 * 1024;
            var tmp = output + ".tmp";
            File.Delete(tmp);
            // A fixed volume id and --invariant keep the image the same for the same contents.
            await runner.RunAsync("mkfs.vfat", ["-C", "-n", "EVEPROV", "--invariant", "-i", "0e7e9999", .. (kib > 512 * 1024 ? new[] { "-F", "32" } : []),
                tmp, kib.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromMinutes(2), ct: ct).ConfigureAwait(false);
            var top = Directory.GetFileSystemEntries(stage).Select(Path.GetFileName).Order(StringComparer.Ordinal)
                .Where(n => n != ProvisionManifest.FileName).Select(n => Path.Combine(stage, n!)).ToList();
            if (top.Count > 0)
                await runner.RunAsync("env", ["MTOOLS_SKIP_CHECK=1", FixedEpoch, "mcopy", "-s", "-m", "-i", tmp, .. top, "::/"], TimeSpan.FromMinutes(10), ct: ct).ConfigureAwait(false);
            await runner.RunAsync("env", ["MTOOLS_SKIP_CHECK=1", FixedEpoch, "mcopy", "-m", "-i", tmp, Path.Combine(stage, ProvisionManifest.FileName), "::/"], ct: ct).ConfigureAwait(false);
            File.Move(tmp, output, overwrite: true);
            return new Result(output, folder.ManifestSha256, true, new FileInfo(output).Length, folder.Files);
        }
        finally
        {
            if (Directory.Exists(stage)) Directory.Delete(stage, recursive: true);
            File.Delete(output + ".tmp");
        }
    }

    private static Result WriteFolder(ProvisionBundle bundle, string dir)
    {
        Directory.CreateDirectory(dir);
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        long bytes = 0;
        foreach (var (path, source) in bundle.Files)
        {
            var dest = Path.Combine(dir, path);
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            File.Copy(source, dest, overwrite: true);
            using (var s = File.OpenRead(dest)) hashes[path] = Convert.ToHexStringLower(SHA256.HashData(s));
            bytes += new FileInfo(dest).Length;
        }
        foreach (var (path, content) in bundle.Texts)
        {
            AtomicFile.Write(Path.Combine(dir, path), content);
            hashes[path] = Convert.ToHexStringLower(SHA256.HashData(content));
            bytes += content.Length;
        }
        var manifest = new ProvisionManifest(hashes).ToJson();
        AtomicFile.Write(Path.Combine(dir, ProvisionManifest.FileName), manifest);
        return new Result(dir, ProvisionManifest.Hash(manifest), false, bytes + manifest.Length, hashes.Count);
    }
}
