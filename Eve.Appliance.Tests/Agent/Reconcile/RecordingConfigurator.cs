using Eve.Appliance.Agent.Reconcile;

namespace Eve.Appliance.Tests.Agent.Reconcile;

/// <summary>Records every call as "create a", "modify a", "delete a"; fails the names in
/// <see cref="FailOn"/>; runs the names in <see cref="Async"/> in the background until their gate opens.</summary>
internal sealed class RecordingConfigurator() : Configurator<TestItem>(TestItem.Type)
{
    public List<string> Calls { get; } = [];
    public HashSet<string> FailOn { get; } = [];
    public Dictionary<string, TaskCompletionSource> Async { get; } = [];

    public override Task CreateAsync(TestItem item, OpContext op, CancellationToken ct) => Record("create", item, op);

    public override Task ModifyAsync(TestItem current, TestItem intended, OpContext op, CancellationToken ct) =>
        Record("modify", intended, op);

    public override Task DeleteAsync(TestItem item, OpContext op, CancellationToken ct) => Record("delete", item, op);

    public override bool NeedsRecreate(TestItem current, TestItem intended) => current.Immutable != intended.Immutable;

    private Task Record(string verb, TestItem item, OpContext op)
    {
        Calls.Add($"{verb} {item.Name}");
        if (FailOn.Contains(item.Name)) throw new InvalidOperationException($"{verb} {item.Name} refused by test");
        if (Async.TryGetValue(item.Name, out var gate))
            op.RunInBackground(async ct =>
            {
                await gate.Task.WaitAsync(ct);
                if (FailOn.Contains(item.Name + "@async")) throw new InvalidOperationException($"async {verb} {item.Name} failed");
            });
        return Task.CompletedTask;
    }
}
