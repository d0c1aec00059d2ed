namespace Eve.Appliance.Agent.Reconcile;

/// <summary>What stage 1 must do to the current graph, and in which order: deletes (plain, or the first
/// half of a recreate) and modifies, with every dependent of a deleted or incompatibly modified item
/// deleted first. Pure: looks at the graphs and asks configurators only <c>NeedsRecreate</c>.</summary>
internal sealed class PassPlan
{
    public HashSet<ItemRef> Deletes { get; } = [];
    public HashSet<ItemRef> Modifies { get; } = [];

    /// <summary>Stage-1 operations in DFS post-order over "is depended on by": an item's dependents
    /// are handled before the item itself.</summary>
    public List<ItemRef> Stage1Order { get; } = [];

    public static PassPlan Build(Graph intended, Graph current, ConfiguratorRegistry registry)
    {
        var plan = new PassPlan();
        foreach (var node in current.Nodes)
        {
            if (node.Item.External || node.State.InProgress || !Exists(node.State)) continue;
            var want = intended.Get(node.Ref);
            if (want == null || want.External)
            {
                plan.Deletes.Add(node.Ref);
                continue;
            }
            var failed = node.State.State == ItemStateKind.Failure;
            if (failed && node.State.LastOperation == Operation.Delete)
                plan.Deletes.Add(node.Ref); // half-deleted: finish the delete, stage 2 creates it again
            else if (!node.Item.Equals(want) || (failed && node.State.LastOperation == Operation.Modify))
            {
                var configurator = registry.Find(node.Ref.Type);
                if (configurator != null && configurator.NeedsRecreate(node.Item, want)) plan.Deletes.Add(node.Ref);
                else plan.Modifies.Add(node.Ref);
            }
        }
        plan.CascadeToDependents(intended, current);
        plan.Order(current);
        return plan;
    }

    /// <summary>An item exists on the system (fully or partly) when it was created, or when an
    /// operation on it failed after it had been created. A failed create is retried by stage 2.</summary>
    public static bool Exists(ItemState state) => state.State switch
    {
        ItemStateKind.Created => true,
        ItemStateKind.Failure => state.LastOperation != Operation.Create,
        ItemStateKind.Creating or ItemStateKind.Modifying or ItemStateKind.Deleting => true,
        _ => false,
    };

    private void CascadeToDependents(Graph intended, Graph current)
    {
        // Fixpoint: a dependent of something deleted must go first; a dependent of something modified
        // goes when it asked for recreation or the new version no longer satisfies it; a dependent
        // whose required item is absent from the current graph (an external item vanished) goes too.
        bool changed;
        do
        {
            changed = false;
            foreach (var node in current.Nodes)
            {
                if (node.Item.External || node.State.InProgress || !Exists(node.State) || Deletes.Contains(node.Ref)) continue;
                foreach (var dep in node.Item.Dependencies)
                {
                    var required = current.Find(dep.Required);
                    var gone = required == null || Deletes.Contains(dep.Required);
                    var broken = !gone && Modifies.Contains(dep.Required) &&
                        (dep.RecreateWhenModified || !dep.IsSatisfiedBy(intended.Get(dep.Required)!));
                    if (!gone && !broken) continue;
                    Deletes.Add(node.Ref);
                    Modifies.Remove(node.Ref);
                    changed = true;
                    break;
                }
            }
        } while (changed);
    }

    private void Order(Graph current)
    {
        var dependents = new Dictionary<ItemRef, List<ItemRef>>();
        foreach (var node in current.Nodes)
            foreach (var dep in node.Item.Dependencies)
            {
                if (!dependents.TryGetValue(dep.Required, out var list)) dependents[dep.Required] = list = [];
                list.Add(node.Ref);
            }

        var visited = new HashSet<ItemRef>();
        var stack = new Stack<(ItemRef Ref, bool Expanded)>();
        foreach (var root in Deletes.Concat(Modifies).OrderBy(r => r.ToString(), StringComparer.Ordinal))
        {
            stack.Push((root, false));
            while (stack.Count > 0)
            {
                var (at, expanded) = stack.Pop();
                if (expanded)
                {
                    if (Deletes.Contains(at) || Modifies.Contains(at)) Stage1Order.Add(at);
                    continue;
                }
                if (!visited.Add(at)) continue;
                stack.Push((at, true));
                if (dependents.TryGetValue(at, out var deps))
                    foreach (var d in deps.Where(d => !visited.Contains(d))) stack.Push((d, false));
            }
        }
    }
}
