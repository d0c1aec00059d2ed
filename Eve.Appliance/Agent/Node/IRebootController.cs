namespace Eve.Appliance.Agent.Node;

/// <summary>What the host does when the device must restart or stop. The reason is recorded
/// BEFORE this is called (<see cref="BootHistory.RecordIntent"/>), so the only thing an
/// implementation does is act. Real: <see cref="HostRebootController"/>; tests: a fake that
/// "reboots" a disk image.</summary>
internal interface IRebootController
{
    Task RebootAsync(string reason, CancellationToken ct);

    Task ShutdownAsync(string reason, CancellationToken ct);

    Task PowerOffAsync(string reason, CancellationToken ct);
}
