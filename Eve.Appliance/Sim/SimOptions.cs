namespace Eve.Appliance.Sim;

/// <summary>How `eve-appliance sim` runs: fleet size, where the controller is, how long, how fast.</summary>
internal sealed record SimOptions
{
    public required int Devices { get; init; }

    /// <summary>EVE's /config folder of the controller (bootstrap): server, roots, onboarding cert and key.</summary>
    public required string BootstrapDir { get; init; }

    /// <summary>Overrides the bootstrap folder's `server`.</summary>
    public Uri? Controller { get; init; }

    public SimMode Mode { get; init; } = SimMode.Fleet;

    /// <summary>How long the measured phase lasts (fleet and poll; the storm ends when all are onboarded).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>EVE's timers are divided by this (10 → config every 1.8–6 s instead of 18–60 s).</summary>
    public double Speedup { get; init; } = 1;

    /// <summary>Most TCP connections to the controller at once (keep-alive pool shared by all devices).</summary>
    public int Connections { get; init; } = 64;

    public bool Http2 { get; init; }

    /// <summary>Where device keys and certs are kept between runs (null: made fresh, not kept).</summary>
    public string? KeyCacheDir { get; init; }

    /// <summary>The controller's pid when it is a local process: its CPU time and RSS are reported.</summary>
    public int? ControllerPid { get; init; }

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Seeds the timers' jitter so two runs with the same seed schedule alike.</summary>
    public int Seed { get; init; } = 1;

    public void Validate()
    {
        if (Devices < 1) throw new ArgumentException($"--devices {Devices}: need at least one device");
        if (Speedup <= 0 || double.IsNaN(Speedup)) throw new ArgumentException($"--speedup {Speedup}: must be a positive number");
        if (Connections < 1) throw new ArgumentException($"--connections {Connections}: need at least one connection");
        if (Duration <= TimeSpan.Zero) throw new ArgumentException($"--duration {Duration.TotalSeconds}: must be positive");
    }
}
