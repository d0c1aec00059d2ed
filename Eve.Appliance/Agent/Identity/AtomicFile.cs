namespace Eve.Appliance.Agent.Identity;

/// <summary>Crash-safe file replacement: write a temp file beside the target with the final mode,
/// fsync it, rename over the target. A crash leaves either the old file or the new one, never a
/// torn key or a key briefly readable by others.</summary>
internal static class AtomicFile
{
    public static void Write(string path, ReadOnlySpan<byte> content, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("the appliance keeps its identity files with Unix modes");
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(tmp, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = mode, // created with the final mode: never world-readable, not even briefly
            }))
            {
                fs.Write(content);
                fs.Flush(flushToDisk: true);
            }
            File.SetUnixFileMode(tmp, mode); // umask may have cleared bits we want (e.g. 0644)
            File.Move(tmp, path, overwrite: true);
        }
        catch
        {
            File.Delete(tmp);
            throw;
        }
    }

    public static void WriteText(string path, string content, UnixFileMode mode) =>
        Write(path, System.Text.Encoding.UTF8.GetBytes(content), mode);

    /// <summary>rw-r--r--: certificates and other public material.</summary>
    public const UnixFileMode Public = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>rw-------: private keys.</summary>
    public const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
}
