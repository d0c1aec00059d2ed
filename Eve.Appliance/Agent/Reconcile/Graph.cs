namespace Eve.Appliance.Agent.Reconcile;

/// <summary>A set of items keyed by <see cref="ItemRef"/>, each with its state. The intended graph
/// comes from a pure builder (states unused); the current graph is kept by the subsystem between
/// passes and replaced by <see cref="ReconcileStatus.NewCurrent"/> after each.</summary>
internal sealed class Graph
{
    private readonly Dictionary<ItemRef, GraphNode> _nodes = [];

    public Graph(string name) => Name = name;

    public Graph(string name, IEnumerable<Item> items) : this(name)
    {
        foreach (var item in items) Put(item);
    }

    public string Name { get; }

    public int Count => _nodes.Count;

    public IEnumerable<GraphNode> Nodes => _nodes.Values.OrderBy(n => n.Ref.ToString(), StringComparer.Ordinal);

    public IEnumerable<Item> Items => Nodes.Select(n => n.Item);

    public Graph Put(Item item, ItemState? state = null)
    {
        _nodes[item.Ref] = new GraphNode(item, state ?? new ItemState(ItemStateKind.Unknown));
        return this;
    }

    public bool Remove(ItemRef item) => _nodes.Remove(item);

    public GraphNode? Find(ItemRef item) => _nodes.GetValueOrDefault(item);

    public Item? Get(ItemRef item) => _nodes.TryGetValue(item, out var node) ? node.Item : null;

    public ItemState? StateOf(ItemRef item) => _nodes.TryGetValue(item, out var node) ? node.State : null;

    public bool Contains(ItemRef item) => _nodes.ContainsKey(item);

    public Graph Clone(string? name = null)
    {
        var copy = new Graph(name ?? Name);
        foreach (var (key, node) in _nodes) copy._nodes[key] = node;
        return copy;
    }
}
