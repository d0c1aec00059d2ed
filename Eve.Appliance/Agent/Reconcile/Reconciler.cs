namespace Eve.Appliance.Agent.Reconcile;

/// <summary>Moves the current graph towards the intended one. Stateless (EVE's reconciler): the caller
/// keeps <see cref="ReconcileStatus.NewCurrent"/> and passes it back next time. Order comes from the
/// dependencies: stage 1 deletes and modifies in DFS post-order (dependents first), stage 2 creates in
/// dependency order (required items first). Failures are data: the item stays with its error and is
/// retried on the next pass; an item whose dependency is missing or unsatisfied waits as Pending.</summary>
internal static class Reconciler
{
    public static Task<ReconcileStatus> ReconcileAsync(Graph intended, Graph current, ConfiguratorRegistry registry,
        CancellationToken ct) => ReconcileAsync(intended, current, registry, ReconcileContext.Default, ct);

    public static async Task<ReconcileStatus> ReconcileAsync(Graph intended, Graph current, ConfiguratorRegistry registry,
        ReconcileContext context, CancellationToken ct)
    {
        var pass = new ReconcilePass(intended, current.Clone(), registry, context);
        pass.CollectFinishedBackground();
        var plan = PassPlan.Build(intended, pass.Next, registry);
        foreach (var item in plan.Stage1Order)
        {
            ct.ThrowIfCancellationRequested();
            if (plan.Deletes.Contains(item)) await pass.DeleteAsync(item, ct).ConfigureAwait(false);
            else await pass.ModifyAsync(item, ct).ConfigureAwait(false);
        }
        foreach (var item in CreateOrder(intended, pass.Next))
        {
            ct.ThrowIfCancellationRequested();
            await pass.CreateIfReadyAsync(item, ct).ConfigureAwait(false);
        }
        return pass.Status();
    }

    /// <summary>Intended items that do not exist yet, each after the intended items it depends on.</summary>
    private static List<ItemRef> CreateOrder(Graph intended, Graph next)
    {
        bool NeedsCreate(ItemRef r)
        {
            var want = intended.Get(r);
            if (want == null || want.External) return false;
            var have = next.Find(r);
            return have == null || (!have.State.InProgress && !PassPlan.Exists(have.State));
        }

        var order = new List<ItemRef>();
        var visited = new HashSet<ItemRef>();
        var stack = new Stack<(ItemRef Ref, bool Expanded)>();
        foreach (var root in intended.Nodes.Select(n => n.Ref).Where(NeedsCreate))
        {
            stack.Push((root, false));
            while (stack.Count > 0)
            {
                var (at, expanded) = stack.Pop();
                if (expanded)
                {
                    order.Add(at);
                    continue;
                }
                if (!visited.Add(at)) continue;
                stack.Push((at, true));
                foreach (var dep in intended.Get(at)!.Dependencies)
                    if (!visited.Contains(dep.Required) && NeedsCreate(dep.Required)) stack.Push((dep.Required, false));
            }
        }
        return order;
    }
}
