namespace Eve.Appliance.Agent.Watchdog;

internal sealed record WatchdogOptions
{
    /// <summary>How often the parts are checked and the hardware watchdog petted.</summary>
    public TimeSpan CheckInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The hardware reset timeout asked of the driver: long enough to survive a slow
    /// check, short enough that a hung box comes back quickly.</summary>
    public int HardwareTimeoutSeconds { get; init; } = 30;

    /// <summary>Where stall reports go (EVE: /persist/log, kept across the reset).</summary>
    public required string ReportDir { get; init; }

    /// <summary>The runtime's createdump beside System.Private.CoreLib: on a stall it writes a
    /// minidump of this process and a crash report (JSON) with every thread's managed stack, which
    /// the process cannot take of its own other threads. Null: no dump.</summary>
    public string? DumpTool { get; init; } = DefaultDumpTool();

    public static string? DefaultDumpTool()
    {
        var tool = Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "createdump");
        return File.Exists(tool) ? tool : null;
    }
}
