namespace Eve.Appliance.Agent.Reconcile;

/// <summary>Handed to every configurator call. A long operation opts into running asynchronously with
/// <see cref="RunInBackground"/>: the call returns at once, the item shows Creating/Modifying/Deleting,
/// and when the work ends the item's ref is posted to the owner's channel so it reconciles again.</summary>
internal sealed class OpContext(ItemRef item, Operation operation)
{
    public ItemRef Item { get; } = item;
    public Operation Operation { get; } = operation;
    internal Func<CancellationToken, Task>? Background { get; private set; }

    public void RunInBackground(Func<CancellationToken, Task> work)
    {
        if (Background != null)
            throw new InvalidOperationException($"{Item}: RunInBackground called twice in one {Operation}");
        Background = work;
    }
}
