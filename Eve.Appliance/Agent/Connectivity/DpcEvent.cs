namespace Eve.Appliance.Agent.Connectivity;

/// <summary>What the DPC manager reacts to.</summary>
internal abstract record DpcEvent
{
    /// <summary>The agent started: re-apply the persisted list.</summary>
    public sealed record Start : DpcEvent;

    /// <summary>A DPC arrived from a source (controller, override.json, usb.json, last resort).</summary>
    public sealed record Received(DevicePortConfig Dpc) : DpcEvent;

    /// <summary>A source withdrew its DPC (the local operator cleared theirs): it leaves the list, and if
    /// it was in use the list is tried again from the top.</summary>
    public sealed record Removed(string Key) : DpcEvent;

    /// <summary>Applying the DPC of attempt <see cref="Attempt"/> finished: its test window starts now
    /// (starting DHCP clients can take seconds that must not count against <c>timer.port.testduration</c>).</summary>
    public sealed record Applied(int Attempt) : DpcEvent;

    /// <summary>The connectivity test of attempt <see cref="Attempt"/> finished.</summary>
    public sealed record TestFinished(int Attempt, bool Ok, string? Error) : DpcEvent;

    /// <summary>Time passed: test deadlines, periodic retest, better-DPC retry.</summary>
    public sealed record Tick : DpcEvent;
}
