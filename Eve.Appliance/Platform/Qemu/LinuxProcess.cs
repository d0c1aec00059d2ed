using System.Diagnostics;
using System.Globalization;

namespace Eve.Appliance.Platform.Qemu;

/// <summary>What the supervisor needs to know about a process that is not its child: whether it is
/// the same process (pid + start time), its command line, memory, and a way to SIGKILL it.</summary>
internal static class LinuxProcess
{
    public static string[] ReadCmdline(int pid)
    {
        try
        {
            var raw = File.ReadAllText($"/proc/{pid}/cmdline");
            return raw.Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>Resident set size from /proc/&lt;pid&gt;/status (VmRSS), in bytes; 0 when gone.</summary>
    public static long ReadRssBytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[1], CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return 0;
    }

    /// <summary>True when <paramref name="pid"/> runs and is the process that started at
    /// <paramref name="startTicks"/> (not a zombie, not a later process that reused the pid).</summary>
    public static bool IsAlive(int pid, long startTicks) =>
        ProcStat.TryRead(pid) is { } s && !s.IsGone && s.StartTicks == startTicks;

    /// <summary>SIGKILL, only if the pid still names the same process.</summary>
    public static bool Kill(int pid, long startTicks)
    {
        if (!IsAlive(pid, startTicks)) return false;
        try
        {
            using var p = Process.GetProcessById(pid);
            p.Kill();
            return true;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
