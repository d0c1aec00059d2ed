namespace Eve.Appliance.Agent.BaseOs;

/// <summary>One condition a new base image must keep through its test window before it is
/// committed (EVE's baseosmgr/nodeagent test: reach the controller, and our additions).</summary>
internal interface IHealthGate
{
    string Name { get; }

    /// <summary>Null when healthy, else what is wrong in words (goes to info as the last error).</summary>
    Task<string?> CheckAsync(CancellationToken ct);
}
