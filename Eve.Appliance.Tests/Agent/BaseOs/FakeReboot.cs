using Eve.Appliance.Agent.Node;

namespace Eve.Appliance.Tests.Agent.BaseOs;

/// <summary>Records the reboot request; the test then "reboots" the disk image itself.</summary>
internal sealed class FakeReboot : IRebootController
{
    private readonly TaskCompletionSource<string> _requested = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<string> Requested => _requested.Task;

    public Task RebootAsync(string reason, CancellationToken ct)
    {
        _requested.TrySetResult("reboot: " + reason);
        return Task.CompletedTask;
    }

    public Task ShutdownAsync(string reason, CancellationToken ct)
    {
        _requested.TrySetResult("shutdown: " + reason);
        return Task.CompletedTask;
    }

    public Task PowerOffAsync(string reason, CancellationToken ct)
    {
        _requested.TrySetResult("poweroff: " + reason);
        return Task.CompletedTask;
    }
}
