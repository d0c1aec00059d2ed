using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Eve.Appliance.Platform.Gpt;

/// <summary>The real <see cref="IBlockDevice"/>: positional reads and writes (pread/pwrite) on an
/// image file or a block device node, fsync through <see cref="RandomAccess.FlushToDisk"/>.</summary>
internal sealed class FileBlockDevice : IBlockDevice
{
    private const int SeekEnd = 2;
    private const int FadviseDontNeed = 4;
    private readonly SafeFileHandle _handle;

    private FileBlockDevice(string path, SafeFileHandle handle, int sectorSize, long length)
    {
        Name = path;
        _handle = handle;
        SectorSize = sectorSize;
        Length = length;
    }

    public string Name { get; }
    public int SectorSize { get; }
    public long Length { get; }

    /// <summary>Opens <paramref name="path"/> for reading, and for writing when asked. The size
    /// comes from lseek(SEEK_END), which works for block devices too (their fstat size is 0).</summary>
    public static FileBlockDevice Open(string path, bool writable, int sectorSize = 512)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, writable ? FileAccess.ReadWrite : FileAccess.Read,
                FileShare.ReadWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot open disk {path} for {(writable ? "read-write" : "reading")}: {e.Message}", e);
        }
        long length = RandomAccess.GetLength(handle);
        if (length == 0)
        {
            var end = Lseek((int)handle.DangerousGetHandle(), 0, SeekEnd);
            if (end > 0) length = end;
        }
        if (length < sectorSize * 68L)
        {
            handle.Dispose();
            throw new IOException($"disk {path} is {length} bytes: too small for a GPT (needs at least 68 sectors of {sectorSize} bytes)");
        }
        return new FileBlockDevice(path, handle, sectorSize, length);
    }

    public async ValueTask ReadAsync(long offset, Memory<byte> buffer, CancellationToken ct = default)
    {
        CheckRange(offset, buffer.Length);
        int done = 0;
        while (done < buffer.Length)
        {
            int n = await RandomAccess.ReadAsync(_handle, buffer[done..], offset + done, ct).ConfigureAwait(false);
            if (n == 0) throw new IOException($"short read on {Name} at byte {offset + done}: end of device");
            done += n;
        }
    }

    public ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken ct = default)
    {
        CheckRange(offset, data.Length);
        return RandomAccess.WriteAsync(_handle, data, offset, ct);
    }

    public ValueTask FlushAsync(CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        RandomAccess.FlushToDisk(_handle);
        return ValueTask.CompletedTask;
    }

    public void DropCache(long offset, long length)
    {
        // POSIX_FADV_DONTNEED on clean pages evicts them; the result is advisory, errors are ignored.
        _ = PosixFadvise((int)_handle.DangerousGetHandle(), offset, length, FadviseDontNeed);
    }

    public void Dispose() => _handle.Dispose();

    private void CheckRange(long offset, int count)
    {
        if (offset < 0 || offset + count > Length)
            throw new ArgumentOutOfRangeException(nameof(offset),
                $"bytes {offset}..{offset + count} are outside disk {Name} ({Length} bytes)");
    }

    [DllImport("libc", EntryPoint = "posix_fadvise")]
    private static extern int PosixFadvise(int fd, long offset, long length, int advice);

    [DllImport("libc", EntryPoint = "lseek", SetLastError = true)]
    private static extern long Lseek(int fd, long offset, int whence);
}
