using Eve.Appliance.Platform.Processes;

namespace Eve.Appliance.Tests.Support;

/// <summary>
/// A small tmpfs mounted on a test's own temp folder: a disk that really fills up (ENOSPC from the
/// kernel, not a simulated exception). Unmounted (lazily, so a straggling handle cannot keep it) on dispose.
/// </summary>
internal sealed class TmpfsMount : IDisposable
{
    public TmpfsMount(string path, long bytes)
    {
        Path = path;
        Directory.CreateDirectory(path);
        ProcessRunner.Default.RunAsync("mount", ["-t", "tmpfs", "-o", $"size={bytes},mode=0755", "tmpfs", path]).GetAwaiter().GetResult();
    }

    public string Path { get; }

    /// <summary>Fills the file system with one file until the kernel says ENOSPC; returns that file.</summary>
    public string Fill()
    {
        var filler = System.IO.Path.Combine(Path, "filler");
        using var f = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        var block = new byte[1 << 16];
        try
        {
            while (true) f.Write(block);
        }
        catch (IOException)
        {
            // ENOSPC: full. Fill the last partial block too, so not even a small write fits.
        }
        try
        {
            while (true) f.Write(block, 0, 512);
        }
        catch (IOException)
        {
        }
        return filler;
    }

    public void Dispose()
    {
        ProcessRunner.Default.RunAsync("umount", ["-l", Path]).GetAwaiter().GetResult();
    }
}
