using System.Runtime.InteropServices;

namespace Eve.Appliance.Platform.Files;

/// <summary>fsync(2) on a directory, so a rename or unlink in it survives a power cut. .NET has no API
/// for this (FileStream refuses directories), hence three libc calls.</summary>
internal static class DirectorySync
{
    public static void Fsync(string directory)
    {
        var fd = Open(directory, 0 /* O_RDONLY works on directories */);
        if (fd < 0) throw new IOException($"open({directory}) for fsync failed: errno {Marshal.GetLastPInvokeError()}");
        try
        {
            if (FsyncFd(fd) != 0) throw new IOException($"fsync({directory}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    // DllImport, not LibraryImport: the source-generated stubs need AllowUnsafeBlocks, which the project does not set.
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int FsyncFd(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
