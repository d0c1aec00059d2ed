using Org.Lfedge.Eve.Metrics;

namespace Eve.Appliance.Agent.Telemetry;

/// <summary>ZMetricVolume for one volume file: used = the file's size on disk (blocks allocated, not
/// the apparent length, so a sparse or thin qcow2 counts what it really takes), total = the size the
/// controller asked for (or the used size when it asked for none), and the guest's I/O counters from
/// QEMU's block stats when the volume is attached to a running VM.</summary>
internal static class VolumeMetrics
{
    public static ZMetricVolume Of(Guid id, string name, long maxSizeBytes, string path, Platform.Qemu.QmpBlockStats? io)
    {
        var used = AllocatedBytes(path);
        var total = Math.Max(maxSizeBytes, used);
        return new ZMetricVolume
        {
            Uuid = id.ToString("D"),
            DisplayName = name,
            UsedBytes = (ulong)used,
            TotalBytes = (ulong)total,
            FreeBytes = (ulong)(total - used),
            ReadBytes = (ulong)Math.Max(0, io?.ReadBytes ?? 0),
            WriteBytes = (ulong)Math.Max(0, io?.WriteBytes ?? 0),
            ReadCount = (ulong)Math.Max(0, io?.ReadOperations ?? 0),
            WriteCount = (ulong)Math.Max(0, io?.WriteOperations ?? 0),
        };
    }

    /// <summary>st_blocks × 512 of the file; 0 when it does not exist (yet).</summary>
    public static long AllocatedBytes(string path)
    {
        if (Stat(path, out var st) != 0) return 0;
        return st.Blocks * 512;
    }

    // .NET exposes no st_blocks, and struct stat's layout differs per architecture; statx(2)'s does
    // not (stx_blocks is the u64 at offset 0x30), so one P/Invoke reads it without a process.
    private static int Stat(string path, out StatxBlocks st)
    {
        st = default;
        var buffer = new byte[256];
        var rc = Statx(-100 /* AT_FDCWD */, path, 0, 0x400 /* STATX_BLOCKS */, buffer);
        if (rc != 0) return rc;
        st = new StatxBlocks(System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(buffer.AsSpan(0x30)));
        return 0;
    }

    private readonly record struct StatxBlocks(long Blocks);

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirfd, [System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);
}
