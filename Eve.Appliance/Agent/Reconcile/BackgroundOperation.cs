namespace Eve.Appliance.Agent.Reconcile;

/// <summary>An asynchronous configurator operation still running after its Create/Modify/Delete
/// returned. The engine stores it in the item's state; the next pass collects its outcome.</summary>
internal sealed class BackgroundOperation(Operation operation, Task task, CancellationTokenSource cancel, DateTimeOffset started)
{
    public Operation Operation { get; } = operation;
    public Task Task { get; } = task;
    public DateTimeOffset Started { get; } = started;

    public bool IsDone => Task.IsCompleted;

    /// <summary>Asks the operation to stop (the item stopped being intended); the next pass still waits
    /// for it to finish.</summary>
    public void Cancel() => cancel.Cancel();

    public string? Error => Task.IsFaulted
        ? Task.Exception!.InnerException?.Message ?? Task.Exception.Message
        : Task.IsCanceled ? "cancelled" : null;
}
