namespace Eve.Appliance.Agent.Reconcile;

/// <summary>What the engine knows about an item in the current graph. A failed operation leaves
/// <see cref="LastError"/> set (and is retried on the next pass); a Pending item carries the reason it
/// waits in <see cref="WaitingFor"/>. <see cref="Background"/> is set while an async operation runs.</summary>
internal sealed record ItemState(
    ItemStateKind State,
    Operation LastOperation = Operation.None,
    string? LastError = null,
    string? WaitingFor = null,
    BackgroundOperation? Background = null)
{
    public static ItemState Created(Operation op) => new(ItemStateKind.Created, op);

    public bool InProgress => Background != null;
}
