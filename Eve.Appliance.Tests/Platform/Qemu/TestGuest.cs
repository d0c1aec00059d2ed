using Eve.Appliance.Platform.Processes;

namespace Eve.Appliance.Tests.Platform.Qemu;

/// <summary>The tiny test guest (images/test-guest), built into the worktree's .cache/guest.</summary>
internal static class TestGuest
{
    private static readonly SemaphoreSlim BuildLock = new(1, 1);

    public static async Task<string> DirAsync()
    {
        var root = RepoRoot();
        var dir = Path.Combine(root, ".cache", "guest");
        await BuildLock.WaitAsync();
        try
        {
            if (!File.Exists(Path.Combine(dir, "initramfs.gz")) || !File.Exists(Path.Combine(dir, "disk.qcow2")))
                await ProcessRunner.Default.RunAsync("sh", [Path.Combine(root, "images", "test-guest", "build.sh"), dir], TimeSpan.FromMinutes(3));
        }
        finally
        {
            BuildLock.Release();
        }
        return dir;
    }

    public static string RepoRoot()
    {
        for (var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "eve.appliance.sln"))) return d.FullName;
        throw new InvalidOperationException("cannot find eve.appliance.sln above the test directory");
    }

    /// <summary>Polls a serial log until <paramref name="text"/> appears; fails with the log's tail.</summary>
    public static async Task<string> WaitForSerialAsync(string path, string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var content = "";
        while (DateTime.UtcNow < deadline)
        {
            content = File.Exists(path) ? await File.ReadAllTextAsync(path) : "";
            if (content.Contains(text, StringComparison.Ordinal)) return content;
            await Task.Delay(100);
        }
        Assert.Fail($"'{text}' did not appear in {path} within {timeout.TotalSeconds} s; log tail:\n{(content.Length > 2000 ? content[^2000..] : content)}");
        return content;
    }
}
