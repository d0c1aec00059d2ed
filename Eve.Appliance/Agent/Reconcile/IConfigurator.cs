namespace Eve.Appliance.Agent.Reconcile;

/// <summary>Applies one item type to the system. Implementations derive from
/// <see cref="Configurator{T}"/>; this untyped face is what the engine calls.</summary>
internal interface IConfigurator
{
    string ItemType { get; }
    Task CreateAsync(Item item, OpContext op, CancellationToken ct);
    Task ModifyAsync(Item current, Item intended, OpContext op, CancellationToken ct);
    Task DeleteAsync(Item item, OpContext op, CancellationToken ct);
    bool NeedsRecreate(Item current, Item intended);
}
