namespace Eve.Appliance.Agent.Telemetry.Proc;

/// <summary>The aggregate "cpu" line of /proc/stat, in USER_HZ ticks (100 per second on Linux).</summary>
internal readonly record struct CpuTimes(ulong User, ulong Nice, ulong System, ulong Idle, ulong IoWait,
    ulong Irq, ulong SoftIrq, ulong Steal)
{
    public const int TicksPerSecond = 100;

    /// <summary>Idle time counts iowait too, as top and EVE do.</summary>
    public ulong IdleTicks => Idle + IoWait;

    public ulong TotalTicks => User + Nice + System + Idle + IoWait + Irq + SoftIrq + Steal;

    public ulong BusyTicks => TotalTicks - IdleTicks;

    /// <summary>Busy share of the time between <paramref name="earlier"/> and this sample, 0–100.</summary>
    public double BusyPercentSince(CpuTimes earlier)
    {
        var total = TotalTicks - earlier.TotalTicks;
        if (TotalTicks < earlier.TotalTicks || total == 0) return 0;
        var busy = BusyTicks >= earlier.BusyTicks ? BusyTicks - earlier.BusyTicks : 0;
        return Math.Clamp(100.0 * busy / total, 0, 100);
    }
}
