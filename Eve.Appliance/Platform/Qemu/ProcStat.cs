using System.Globalization;

namespace Eve.Appliance.Platform.Qemu;

/// <summary>The fields of /proc/&lt;pid&gt;/stat we use: run state (Z = zombie), cpu ticks, and the
/// start time that, with the pid, identifies one process across pid reuse.</summary>
internal readonly record struct ProcStat(char State, long UserTicks, long SystemTicks, long StartTicks)
{
    // USER_HZ is 100 on every Linux ABI we run on; /proc reports cpu times in it.
    public const int TicksPerSecond = 100;

    public bool IsGone => State is 'Z' or 'X' or 'x';

    public TimeSpan CpuTime => TimeSpan.FromSeconds((UserTicks + SystemTicks) / (double)TicksPerSecond);

    public static ProcStat? TryRead(int pid, string procRoot = "/proc")
    {
        string text;
        try
        {
            text = File.ReadAllText($"{procRoot}/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        return Parse(text);
    }

    public static ProcStat? Parse(string text)
    {
        // comm (field 2) may hold spaces and parentheses: the fields start after the last ')'.
        var close = text.LastIndexOf(')');
        if (close < 0 || close + 2 >= text.Length) return null;
        var f = text[(close + 2)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // f[k - 3] is field k of proc(5): state 3, utime 14, stime 15, starttime 22.
        if (f.Length < 20 || f[0].Length != 1) return null;
        return new ProcStat(f[0][0], L(f[11]), L(f[12]), L(f[19]));
    }

    private static long L(string s) => long.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);
}
