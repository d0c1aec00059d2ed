namespace Eve.Appliance.Agent.Reconcile;

/// <summary>The mutable working state of one <see cref="Reconciler"/> pass: the graph being built and
/// the log. Runs single operations and records their outcome as item state.</summary>
internal sealed class ReconcilePass(Graph intended, Graph next, ConfiguratorRegistry registry, ReconcileContext context)
{
    private readonly List<OpLogEntry> _log = [];

    public Graph Next { get; } = next;

    /// <summary>Turns background operations that ended since the last pass into item state, and asks
    /// those whose item is no longer intended to stop.</summary>
    public void CollectFinishedBackground()
    {
        foreach (var node in Next.Nodes.ToList())
        {
            var bg = node.State.Background;
            if (bg == null) continue;
            if (!bg.IsDone)
            {
                if (!intended.Contains(node.Ref)) bg.Cancel();
                continue;
            }
            var error = bg.Error;
            _log.Add(new OpLogEntry(node.Ref, bg.Operation, bg.Started, Now, Error: error, PrevError: node.State.LastError));
            if (error != null)
                Next.Put(node.Item, new ItemState(ItemStateKind.Failure, bg.Operation, error));
            else if (bg.Operation == Operation.Delete)
                Next.Remove(node.Ref);
            else
                Next.Put(node.Item, ItemState.Created(bg.Operation));
        }
    }

    public Task DeleteAsync(ItemRef item, CancellationToken ct)
    {
        var node = Next.Find(item)!;
        return RunAsync(node.Item, node.State, Operation.Delete, (c, op) => c.DeleteAsync(node.Item, op, ct),
            onDone: () => Next.Remove(item),
            onFailure: err => Next.Put(node.Item, new ItemState(ItemStateKind.Failure, Operation.Delete, err)),
            inProgress: ItemStateKind.Deleting, ct);
    }

    public Task ModifyAsync(ItemRef item, CancellationToken ct)
    {
        var node = Next.Find(item)!;
        var want = intended.Get(item)!;
        // A failed modify keeps the old item: it still differs from the intended one, so the next pass retries.
        return RunAsync(want, node.State, Operation.Modify, (c, op) => c.ModifyAsync(node.Item, want, op, ct),
            onDone: () => Next.Put(want, ItemState.Created(Operation.Modify)),
            onFailure: err => Next.Put(node.Item, new ItemState(ItemStateKind.Failure, Operation.Modify, err)),
            inProgress: ItemStateKind.Modifying, ct);
    }

    public Task CreateIfReadyAsync(ItemRef item, CancellationToken ct)
    {
        var want = intended.Get(item)!;
        var previous = Next.StateOf(item);
        var waitingFor = FirstUnmetDependency(want);
        if (waitingFor != null)
        {
            Next.Put(want, new ItemState(ItemStateKind.Pending, previous?.LastOperation ?? Operation.None,
                previous?.LastError, waitingFor));
            return Task.CompletedTask;
        }
        var state = previous ?? new ItemState(ItemStateKind.Unknown);
        return RunAsync(want, state, Operation.Create, (c, op) => c.CreateAsync(want, op, ct),
            onDone: () => Next.Put(want, ItemState.Created(Operation.Create)),
            onFailure: err => Next.Put(want, new ItemState(ItemStateKind.Failure, Operation.Create, err)),
            inProgress: ItemStateKind.Creating, ct);
    }

    public ReconcileStatus Status()
    {
        var failing = new Dictionary<ItemRef, string>();
        var pending = new Dictionary<ItemRef, string>();
        var async = false;
        foreach (var node in Next.Nodes)
        {
            if (node.State.State == ItemStateKind.Failure) failing[node.Ref] = node.State.LastError ?? "failed";
            if (node.State.State == ItemStateKind.Pending) pending[node.Ref] = node.State.WaitingFor ?? "waiting";
            async |= node.State.InProgress;
        }
        // Intended pending items dropped from the intended graph must not linger in the current one.
        foreach (var node in Next.Nodes.ToList())
            if (node.State.State == ItemStateKind.Pending && !intended.Contains(node.Ref)) Next.Remove(node.Ref);
        return new ReconcileStatus(_log, failing, pending, async, Next);
    }

    private string? FirstUnmetDependency(Item item)
    {
        foreach (var dep in item.Dependencies)
        {
            var required = Next.Find(dep.Required);
            if (required == null || required.State.State != ItemStateKind.Created || required.State.InProgress)
            {
                var why = required == null ? "missing" : $"is {required.State.State.ToString().ToLowerInvariant()}";
                return $"{dep.Required} {why} ({dep.Why})";
            }
            if (!dep.IsSatisfiedBy(required.Item))
                return $"{dep.Required} exists but is not ready ({dep.Why})";
        }
        return null;
    }

    private async Task RunAsync(Item item, ItemState before, Operation operation,
        Func<IConfigurator, OpContext, Task> call, Action onDone, Action<string> onFailure,
        ItemStateKind inProgress, CancellationToken ct)
    {
        var start = Now;
        var configurator = registry.Find(item.Ref.Type);
        if (configurator == null)
        {
            var err = $"no configurator is registered for item type '{item.Ref.Type}' (a wiring bug)";
            onFailure(err);
            _log.Add(new OpLogEntry(item.Ref, operation, start, Now, Error: err, PrevError: before.LastError));
            return;
        }
        var op = new OpContext(item.Ref, operation);
        try
        {
            await call(configurator, op).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            onFailure(e.Message);
            _log.Add(new OpLogEntry(item.Ref, operation, start, Now, Error: e.Message, PrevError: before.LastError));
            return;
        }
        if (op.Background == null)
        {
            onDone();
            _log.Add(new OpLogEntry(item.Ref, operation, start, Now, PrevError: before.LastError));
            return;
        }
        var cancel = new CancellationTokenSource();
        var work = op.Background;
        var task = Task.Run(() => work(cancel.Token), CancellationToken.None);
        var writer = context.AsyncDone;
        if (writer != null)
            _ = task.ContinueWith(_ => writer.TryWrite(item.Ref), CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        Next.Put(item, new ItemState(inProgress, operation, before.LastError,
            Background: new BackgroundOperation(operation, task, cancel, start)));
        _log.Add(new OpLogEntry(item.Ref, operation, start, Now, InProgress: true, PrevError: before.LastError));
    }

    private DateTimeOffset Now => context.Clock.GetUtcNow();
}
