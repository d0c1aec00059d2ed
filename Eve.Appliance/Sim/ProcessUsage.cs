using System.Globalization;

namespace Eve.Appliance.Sim;

/// <summary>CPU time and memory of a local process, read from /proc (Linux).</summary>
internal readonly record struct ProcessUsage(TimeSpan Cpu, long RssBytes, long PeakRssBytes)
{
    /// <summary>USER_HZ: the unit of utime/stime in /proc/PID/stat; 100 on every Linux we run on.</summary>
    private const double TicksPerSecond = 100;

    public static ProcessUsage? TryRead(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name, which is in parentheses and may hold spaces.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            long rss = 0, hwm = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kb(line);
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) hwm = Kb(line);
            }
            return new ProcessUsage(TimeSpan.FromSeconds(ticks / TicksPerSecond), rss, hwm);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null; // the process is gone or not ours to read
        }
    }

    private static long Kb(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
}
