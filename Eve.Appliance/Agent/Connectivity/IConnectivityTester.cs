namespace Eve.Appliance.Agent.Connectivity;

/// <summary>Answers "does this applied DPC reach the controller?". Keeps trying until it succeeds or
/// <c>ct</c> is cancelled (the driver cancels at <c>timer.port.testduration</c>), then returns the last
/// reason in words a technician can act on.</summary>
internal interface IConnectivityTester
{
    Task<ConnectivityResult> TestAsync(DevicePortConfig dpc, CancellationToken ct);
}

/// <summary>The outcome of one connectivity test; <see cref="Detail"/> says which port worked or why none did.</summary>
internal sealed record ConnectivityResult(bool Ok, string Detail);
