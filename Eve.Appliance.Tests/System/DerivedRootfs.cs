using Eve.Appliance.Platform.Processes;

namespace Eve.Appliance.Tests.SystemTests;

/// <summary>New versions of the image's root for update tests: the built rootfs.sqfs with another
/// /etc/eve-release and, when asked, an appliance that misbehaves (<see cref="ApplianceFault"/>).</summary>
internal static class DerivedRootfs
{
    private const UnixFileMode Executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    public static async Task<string> MakeAsync(string imageDir, string dir, string version, ApplianceFault fault = ApplianceFault.None)
    {
        Directory.CreateDirectory(dir);
        var root = Path.Combine(dir, "root");
        await ProcessRunner.Default.RunAsync("unsquashfs", ["-q", "-n", "-d", root, Path.Combine(imageDir, "rootfs.sqfs")], TimeSpan.FromMinutes(5));
        await File.WriteAllTextAsync(Path.Combine(root, "etc", "eve-release"), version + "\n");
        var bin = Path.Combine(root, "usr", "bin", "eve-appliance");
        switch (fault)
        {
            case ApplianceFault.ExitsAtOnce:
                File.Delete(bin);
                await File.WriteAllTextAsync(bin, "#!/bin/sh\necho \"eve-appliance: version " + version + " is broken on purpose\" >&2\nexit 70\n");
                File.SetUnixFileMode(bin, Executable);
                break;
            case ApplianceFault.HangsAfterArmingWatchdog:
                File.Move(bin, bin + ".real");
                // The real binary runs until it holds /dev/watchdog open (it arms the timer), then
                // is stopped: the process is alive, holds the device, and never pets it again.
                await File.WriteAllTextAsync(bin, $$"""
                    #!/bin/sh
                    /usr/bin/eve-appliance.real "$@" &
                    pid=$!
                    until ls -l /proc/$pid/fd 2>/dev/null | grep -q /dev/watchdog; do
                      kill -0 $pid 2>/dev/null || exit 70
                      sleep 1
                    done
                    sleep 30
                    echo "eve-appliance: version {{version}} hangs on purpose (SIGSTOP after it armed /dev/watchdog)" >&2
                    kill -STOP $pid
                    while :; do sleep 3600; done

                    """);
                File.SetUnixFileMode(bin, Executable);
                break;
        }
        var sqfs = Path.Combine(dir, $"rootfs-{version}.img");
        await ProcessRunner.Default.RunAsync("mksquashfs", [root, sqfs, "-noappend", "-quiet", "-no-progress", "-comp", "gzip", "-all-root"], TimeSpan.FromMinutes(10));
        Directory.Delete(root, recursive: true);
        return sqfs;
    }
}
