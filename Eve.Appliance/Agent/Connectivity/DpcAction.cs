namespace Eve.Appliance.Agent.Connectivity;

/// <summary>What the DPC manager asks its driver to do, in order.</summary>
internal abstract record DpcAction
{
    /// <summary>Configure the ports as <see cref="Dpc"/> says.</summary>
    public sealed record Apply(DevicePortConfig Dpc) : DpcAction;

    /// <summary>Test whether <see cref="Dpc"/> reaches the controller; answer with
    /// <see cref="DpcEvent.TestFinished"/> carrying <see cref="Attempt"/>.</summary>
    public sealed record Test(DevicePortConfig Dpc, int Attempt) : DpcAction;

    /// <summary>Write the list (it changed).</summary>
    public sealed record Persist : DpcAction;
}
