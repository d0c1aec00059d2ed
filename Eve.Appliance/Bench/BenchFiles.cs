namespace Eve.Appliance.Bench;

/// <summary>Where benchmarks find the test guest and how they summarise timings.</summary>
internal static class BenchFiles
{
    /// <summary>$EVE_GUEST_DIR, else the nearest .cache/guest above the working or program directory.</summary>
    public static string GuestDir()
    {
        if (Environment.GetEnvironmentVariable("EVE_GUEST_DIR") is { Length: > 0 } env) return env;
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                var guest = Path.Combine(d.FullName, ".cache", "guest");
                if (File.Exists(Path.Combine(guest, "vmlinuz"))) return guest;
            }
        throw new InvalidOperationException("no test guest found: run `sh images/test-guest/build.sh` or set EVE_GUEST_DIR");
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var s = values.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }
}
