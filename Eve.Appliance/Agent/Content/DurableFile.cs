using System.Runtime.InteropServices;

namespace Eve.Appliance.Agent.Content;

/// <summary>Crash-safe publication: after fsync of the file, rename into place, then fsync the
/// directory so the rename itself survives a power cut.</summary>
internal static partial class DurableFile
{
    private const int ORdOnly = 0;
    private const int ODirectory = 0x10000;

    public static void Publish(string source, string destination)
    {
        using (var f = new FileStream(source, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
            f.Flush(flushToDisk: true);
        File.Move(source, destination, overwrite: true);
        SyncDirectory(Path.GetDirectoryName(destination)!);
    }

    public static void SyncDirectory(string directory)
    {
        var fd = open(directory, ORdOnly | ODirectory);
        if (fd < 0) return;
        try { fsync(fd); }
        finally { close(fd); }
    }

#pragma warning disable SYSLIB1054 // LibraryImport's string marshalling would need unsafe code in the project.
    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsync(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
#pragma warning restore SYSLIB1054
}
