namespace Eve.Appliance.Agent.Reconcile;

/// <summary>Typed base for a configurator: casts once, so implementations see their own item record.
/// <see cref="NeedsRecreate"/> names the fields that cannot change in place.</summary>
internal abstract class Configurator<T> : IConfigurator where T : Item
{
    protected Configurator(string itemType) => ItemType = itemType;

    public string ItemType { get; }

    public abstract Task CreateAsync(T item, OpContext op, CancellationToken ct);
    public abstract Task ModifyAsync(T current, T intended, OpContext op, CancellationToken ct);
    public abstract Task DeleteAsync(T item, OpContext op, CancellationToken ct);
    public abstract bool NeedsRecreate(T current, T intended);

    Task IConfigurator.CreateAsync(Item item, OpContext op, CancellationToken ct) => CreateAsync(Cast(item), op, ct);

    Task IConfigurator.ModifyAsync(Item current, Item intended, OpContext op, CancellationToken ct) =>
        ModifyAsync(Cast(current), Cast(intended), op, ct);

    Task IConfigurator.DeleteAsync(Item item, OpContext op, CancellationToken ct) => DeleteAsync(Cast(item), op, ct);

    bool IConfigurator.NeedsRecreate(Item current, Item intended) => NeedsRecreate(Cast(current), Cast(intended));

    private T Cast(Item item) => item as T ?? throw new InvalidOperationException(
        $"configurator for {ItemType} was given {item.GetType().Name} ({item.Ref}); the item's Ref.Type does not match its record type");
}
