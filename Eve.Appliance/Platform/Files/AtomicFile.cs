namespace Eve.Appliance.Platform.Files;

/// <summary>
/// Crash-safe whole-file writes: temp file in the same folder, fsync, rename, fsync the folder.
/// After a power cut the file holds either the old or the new content, never a torn mix.
/// </summary>
internal static class AtomicFile
{
    public static void Write(string path, ReadOnlySpan<byte> content, UnixFileMode? mode = null)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (mode != null) options.UnixCreateMode = mode.Value;
            using (var fs = new FileStream(tmp, options))
            {
                fs.Write(content);
                fs.Flush(flushToDisk: true);
            }
            // Created with the final mode (a key is never readable by others, not even briefly);
            // set again because the umask may have cleared bits we want (0644 for certs).
            if (mode != null) File.SetUnixFileMode(tmp, mode.Value);
            File.Move(tmp, path, overwrite: true);
            FsyncDirectory(dir);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    /// <summary>rw-r--r--: certificates and other public material.</summary>
    public const UnixFileMode Public = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>rw-------: private keys.</summary>
    public const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static void WriteText(string path, string text, UnixFileMode? mode = null) =>
        Write(path, System.Text.Encoding.UTF8.GetBytes(text), mode);

    /// <summary>Makes a rename durable: the directory entry itself must reach the disk.</summary>
    public static void FsyncDirectory(string dir) => DirectorySync.Fsync(dir);
}
