using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Eve.Appliance.Agent.Content;

/// <summary>Free and total bytes of the file system holding a path, from statvfs(3): f_bavail
/// (what an unprivileged writer may still use) × f_frsize. Used to refuse a download that cannot
/// fit before a byte is fetched, and by maintenance mode's low-disk check.</summary>
internal readonly record struct FileSystemSpace(long FreeBytes, long TotalBytes)
{
    public static FileSystemSpace Of(string path)
    {
        // The nearest existing ancestor: the blob folder may not exist yet.
        var probe = Path.GetFullPath(path);
        while (!Directory.Exists(probe) && Path.GetDirectoryName(probe) is { } parent) probe = parent;
        if (StatVfs(probe, out var s) != 0)
            throw new IOException($"statvfs {probe} failed: {new Win32Exception(Marshal.GetLastPInvokeError()).Message}");
        return new FileSystemSpace(checked((long)(s.Bavail * s.Frsize)), checked((long)(s.Blocks * s.Frsize)));
    }

    // struct statvfs on 64-bit Linux (glibc and musl agree): eleven unsigned longs, then spare ints.
    [StructLayout(LayoutKind.Sequential)]
    private struct StatVfsBuf
    {
        public ulong Bsize, Frsize, Blocks, Bfree, Bavail, Files, Ffree, Favail, Fsid, Flag, Namemax;
        public ulong Spare0, Spare1, Spare2; // int __f_spare[6]
    }

    [DllImport("libc", EntryPoint = "statvfs", SetLastError = true)]
    private static extern int StatVfs([MarshalAs(UnmanagedType.LPUTF8Str)] string path, out StatVfsBuf buf);
}
