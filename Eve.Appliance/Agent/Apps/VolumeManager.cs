using Eve.Appliance.Agent.Content;
using Eve.Appliance.Platform.Qemu;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Agent.Apps;

/// <summary>Makes app volumes under Dir/volumes, named &lt;volume uuid&gt;.&lt;generation&gt;.qcow2 so
/// that a new generation is a new file: a disk from a content tree is a qcow2 overlay on the
/// verified blob (the blob stays read-only and shared; `-F` names its format), grown to
/// maxsizebytes; a blank volume is an empty qcow2 of maxsizebytes. Kernel/Initrd targets use the
/// verified blob itself, read-only (direct boot; see README of images/test-guest).</summary>
internal sealed class VolumeManager(string dir, QemuImg img)
{
    public string Dir { get; } = Directory.CreateDirectory(dir).FullName;

    public string PathOf(VolumeIntent v) => Path.Combine(Dir, $"{v.Id:D}.{v.Generation}.qcow2");

    /// <summary>Returns the volume, creating it when missing or when <paramref name="recreate"/> (purge).</summary>
    public async Task<VolumeFile> EnsureAsync(VolumeIntent v, BlobRef? blob, bool recreate, CancellationToken ct)
    {
        if (v.Target is Target.Kernel or Target.Initrd or Target.RamDisk)
        {
            var b = blob ?? throw new InvalidOperationException($"volume '{v.Name}': target {v.Target} needs a content tree (the kernel or initrd file)");
            return new VolumeFile(v.Id, b.Path, QemuImageFormat.Raw, v.Target, true);
        }
        var path = PathOf(v);
        if (recreate) File.Delete(path);
        if (!File.Exists(path))
        {
            var tmp = path + ".creating";
            File.Delete(tmp);
            if (blob is null)
            {
                if (v.MaxSizeBytes <= 0)
                    throw new InvalidOperationException($"blank volume '{v.Name}' has maxsizebytes {v.MaxSizeBytes}: give it a size");
                await img.CreateBlankAsync(tmp, QemuImageFormat.Qcow2, v.MaxSizeBytes, ct).ConfigureAwait(false);
            }
            else
            {
                var baseFormat = v.Content!.Format is Format.Qcow or Format.Qcow2 ? QemuImageFormat.Qcow2 : QemuImageFormat.Raw;
                var baseSize = baseFormat == QemuImageFormat.Raw ? blob.Size : (await img.InfoAsync(blob.Path, forceShare: true, ct).ConfigureAwait(false)).VirtualSizeBytes;
                long? size = v.MaxSizeBytes > baseSize ? v.MaxSizeBytes : null;
                await img.CreateOverlayAsync(tmp, blob.Path, baseFormat, size, ct).ConfigureAwait(false);
            }
            // Renamed into place only when complete: a half-made volume after a crash is not used.
            File.Move(tmp, path);
        }
        return new VolumeFile(v.Id, path, QemuImageFormat.Qcow2, Target.Disk, v.ReadOnly);
    }

    /// <summary>Removes every volume file whose volume (and generation) is not in <paramref name="keep"/>.</summary>
    public IReadOnlyList<string> Collect(IEnumerable<VolumeIntent> keep)
    {
        var live = keep.Select(PathOf).ToHashSet(StringComparer.Ordinal);
        var removed = new List<string>();
        foreach (var f in Directory.EnumerateFiles(Dir))
        {
            if (live.Contains(f)) continue;
            File.Delete(f);
            removed.Add(f);
        }
        return removed;
    }
}
