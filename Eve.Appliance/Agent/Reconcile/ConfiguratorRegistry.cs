namespace Eve.Appliance.Agent.Reconcile;

/// <summary>One configurator per item type. A second registration for a type is a wiring bug and is
/// refused at start, not discovered when the first item of that type shows up.</summary>
internal sealed class ConfiguratorRegistry
{
    private readonly Dictionary<string, IConfigurator> _byType = new(StringComparer.Ordinal);

    public ConfiguratorRegistry Register(IConfigurator configurator)
    {
        if (!_byType.TryAdd(configurator.ItemType, configurator))
            throw new InvalidOperationException(
                $"a configurator for item type '{configurator.ItemType}' is already registered " +
                $"({_byType[configurator.ItemType].GetType().Name}); each type has exactly one");
        return this;
    }

    public IConfigurator? Find(string itemType) => _byType.GetValueOrDefault(itemType);

    public IReadOnlyCollection<string> Types => _byType.Keys;
}
