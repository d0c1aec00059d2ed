using Eve.Appliance.Agent.Reconcile;

namespace Eve.Appliance.Tests.Agent.Reconcile;

[TestFixture]
public sealed class ReconcilerTests
{
    private RecordingConfigurator _fake = null!;
    private ConfiguratorRegistry _registry = null!;

    [SetUp]
    public void SetUp()
    {
        _fake = new RecordingConfigurator();
        _registry = new ConfiguratorRegistry().Register(_fake);
    }

    private static Graph Intended(params TestItem[] items) => new("intended", items);

    private async Task<ReconcileStatus> Run(Graph intended, Graph current) =>
        await Reconciler.ReconcileAsync(intended, current, _registry, CancellationToken.None);

    [Test]
    public async Task Create_RequiredItemsFirst_WhateverTheListOrder()
    {
        var status = await Run(Intended(
            new TestItem("tap", DependsOn: new[] { "bridge" }),
            new TestItem("nft", DependsOn: new[] { "bridge", "dnsmasq" }),
            new TestItem("dnsmasq", DependsOn: new[] { "bridge" }),
            new TestItem("bridge")), new Graph("current"));

        Assert.That(_fake.Calls[0], Is.EqualTo("create bridge"));
        Assert.That(_fake.Calls.IndexOf("create dnsmasq"), Is.LessThan(_fake.Calls.IndexOf("create nft")));
        Assert.That(_fake.Calls, Has.Count.EqualTo(4));
        Assert.That(status.Converged, Is.True);
        Assert.That(status.NewCurrent.Nodes.Select(n => n.State.State), Is.All.EqualTo(ItemStateKind.Created));
    }

    [Test]
    public async Task Delete_DependentsBeforeTheirRequiredItems()
    {
        var first = await Run(Intended(
            new TestItem("bridge"), new TestItem("tap", DependsOn: new[] { "bridge" }),
            new TestItem("nft", DependsOn: new[] { "tap" })), new Graph("current"));
        _fake.Calls.Clear();

        var status = await Run(Intended(), first.NewCurrent);

        Assert.That(_fake.Calls, Is.EqualTo(new[] { "delete nft", "delete tap", "delete bridge" }));
        Assert.That(status.NewCurrent.Count, Is.Zero);
    }

    [Test]
    public async Task SecondPass_WithSameIntent_DoesNothing()
    {
        var intended = Intended(new TestItem("a"), new TestItem("b", DependsOn: new[] { "a" }));
        var first = await Run(intended, new Graph("current"));
        _fake.Calls.Clear();

        var second = await Run(intended, first.NewCurrent);

        Assert.That(_fake.Calls, Is.Empty);
        Assert.That(second.Log, Is.Empty);
    }

    [Test]
    public async Task ChangedValue_IsModified_ChangedImmutable_IsRecreatedWithDependents()
    {
        var first = await Run(Intended(new TestItem("a", "1", "x"), new TestItem("b", DependsOn: new[] { "a" })), new Graph("current"));
        _fake.Calls.Clear();

        var modified = await Run(Intended(new TestItem("a", "2", "x"), new TestItem("b", DependsOn: new[] { "a" })), first.NewCurrent);
        Assert.That(_fake.Calls, Is.EqualTo(new[] { "modify a" }));
        _fake.Calls.Clear();

        await Run(Intended(new TestItem("a", "2", "y"), new TestItem("b", DependsOn: new[] { "a" })), modified.NewCurrent);
        Assert.That(_fake.Calls, Is.EqualTo(new[] { "delete b", "delete a", "create a", "create b" }));
    }

    [Test]
    public async Task RecreateWhenModified_RecreatesTheDependent()
    {
        var first = await Run(Intended(new TestItem("a", "1"), new TestItem("b", DependsOn: new[] { "a!" })), new Graph("current"));
        _fake.Calls.Clear();

        await Run(Intended(new TestItem("a", "2"), new TestItem("b", DependsOn: new[] { "a!" })), first.NewCurrent);

        Assert.That(_fake.Calls, Is.EqualTo(new[] { "delete b", "modify a", "create b" }));
    }

    [Test]
    public async Task UnsatisfiedDependency_WaitsAsPending_ThenIsCreatedWhenSatisfied()
    {
        var waiting = await Run(Intended(new TestItem("a", "0"), new TestItem("b", DependsOn: new[] { "a=1" })), new Graph("current"));

        Assert.That(_fake.Calls, Is.EqualTo(new[] { "create a" }));
        Assert.That(waiting.Pending.Keys, Is.EqualTo(new[] { TestItem.RefOf("b") }));
        Assert.That(waiting.Pending[TestItem.RefOf("b")], Does.Contain("test.item/a exists but is not ready (needs value 1)"));
        Assert.That(waiting.NewCurrent.StateOf(TestItem.RefOf("b"))!.State, Is.EqualTo(ItemStateKind.Pending));
        _fake.Calls.Clear();

        var done = await Run(Intended(new TestItem("a", "1"), new TestItem("b", DependsOn: new[] { "a=1" })), waiting.NewCurrent);

        Assert.That(_fake.Calls, Is.EqualTo(new[] { "modify a", "create b" }));
        Assert.That(done.Converged, Is.True);
    }

    [Test]
    public async Task ModifyBreakingDependentsCondition_DeletesDependent_WhichThenWaits()
    {
        var first = await Run(Intended(new TestItem("a", "1"), new TestItem("b", DependsOn: new[] { "a=1" })), new Graph("current"));
        _fake.Calls.Clear();

        var status = await Run(Intended(new TestItem("a", "2"), new TestItem("b", DependsOn: new[] { "a=1" })), first.NewCurrent);

        Assert.That(_fake.Calls, Is.EqualTo(new[] { "delete b", "modify a" }));
        Assert.That(status.Pending, Does.ContainKey(TestItem.RefOf("b")));
    }

    [Test]
    public async Task MissingDependency_IsReportedWithTheReason()
    {
        var status = await Run(Intended(new TestItem("b", DependsOn: new[] { "ghost" })), new Graph("current"));

        Assert.That(_fake.Calls, Is.Empty);
        Assert.That(status.Pending[TestItem.RefOf("b")], Is.EqualTo("test.item/ghost missing (test)"));
    }

    [Test]
    public async Task FailedCreate_StaysVisibleWithError_DependentsWait_RetriedNextPass()
    {
        _fake.FailOn.Add("a");
        var intended = Intended(new TestItem("a"), new TestItem("b", DependsOn: new[] { "a" }));
        var failed = await Run(intended, new Graph("current"));

        var state = failed.NewCurrent.StateOf(TestItem.RefOf("a"))!;
        Assert.That(state.State, Is.EqualTo(ItemStateKind.Failure));
        Assert.That(state.LastOperation, Is.EqualTo(Operation.Create));
        Assert.That(state.LastError, Is.EqualTo("create a refused by test"));
        Assert.That(failed.Failing.Keys, Is.EqualTo(new[] { TestItem.RefOf("a") }));
        Assert.That(failed.Pending[TestItem.RefOf("b")], Does.Contain("is failure"));

        _fake.FailOn.Clear();
        _fake.Calls.Clear();
        var retried = await Run(intended, failed.NewCurrent);

        Assert.That(_fake.Calls, Is.EqualTo(new[] { "create a", "create b" }));
        Assert.That(retried.Converged, Is.True);
        Assert.That(retried.Log.Single(e => e.Item.Name == "a").PrevError, Is.EqualTo("create a refused by test"));
    }

    [Test]
    public async Task FailedModify_KeepsOldItem_AndIsRetried()
    {
        var first = await Run(Intended(new TestItem("a", "1")), new Graph("current"));
        _fake.FailOn.Add("a");
        var failed = await Run(Intended(new TestItem("a", "2")), first.NewCurrent);
        Assert.That(((TestItem)failed.NewCurrent.Get(TestItem.RefOf("a"))!).Value, Is.EqualTo("1"));
        Assert.That(failed.Failing, Does.ContainKey(TestItem.RefOf("a")));

        _fake.FailOn.Clear();
        _fake.Calls.Clear();
        var retried = await Run(Intended(new TestItem("a", "2")), failed.NewCurrent);

        Assert.That(_fake.Calls, Is.EqualTo(new[] { "modify a" }));
        Assert.That(((TestItem)retried.NewCurrent.Get(TestItem.RefOf("a"))!).Value, Is.EqualTo("2"));
    }

    [Test]
    public async Task FailedDelete_IsRetried_UntilGone()
    {
        var first = await Run(Intended(new TestItem("a")), new Graph("current"));
        _fake.FailOn.Add("a");
        var failed = await Run(Intended(), first.NewCurrent);
        Assert.That(failed.NewCurrent.StateOf(TestItem.RefOf("a"))!.LastOperation, Is.EqualTo(Operation.Delete));

        _fake.FailOn.Clear();
        var retried = await Run(Intended(), failed.NewCurrent);

        Assert.That(_fake.Calls, Is.EqualTo(new[] { "create a", "delete a", "delete a" }));
        Assert.That(retried.NewCurrent.Count, Is.Zero);
    }

    [Test]
    public async Task ExternalItem_IsNeverTouched_AndItsDisappearanceRemovesDependents()
    {
        var current = new Graph("current").Put(new TestItem("eth0", IsExternal: true), ItemState.Created(Operation.None));
        var intended = Intended(new TestItem("nat", DependsOn: new[] { "eth0" }));
        var first = await Run(intended, current);
        Assert.That(_fake.Calls, Is.EqualTo(new[] { "create nat" }));

        var withoutPort = first.NewCurrent.Clone();
        withoutPort.Remove(TestItem.RefOf("eth0"));
        var status = await Run(intended, withoutPort);

        Assert.That(_fake.Calls, Is.EqualTo(new[] { "create nat", "delete nat" }));
        Assert.That(status.Pending[TestItem.RefOf("nat")], Does.Contain("eth0 missing"));
    }

    [Test]
    public async Task AsyncCreate_ShowsCreating_DependentsWait_CompletionIsPostedAndCollected()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _fake.Async["vm-volume"] = gate;
        var done = System.Threading.Channels.Channel.CreateUnbounded<ItemRef>();
        var context = new ReconcileContext(done.Writer);
        var intended = Intended(new TestItem("vm-volume"), new TestItem("vm", DependsOn: new[] { "vm-volume" }));

        var started = await Reconciler.ReconcileAsync(intended, new Graph("current"), _registry, context, CancellationToken.None);
        Assert.That(started.AsyncInProgress, Is.True);
        Assert.That(started.NewCurrent.StateOf(TestItem.RefOf("vm-volume"))!.State, Is.EqualTo(ItemStateKind.Creating));
        Assert.That(started.Pending[TestItem.RefOf("vm")], Does.Contain("is creating"));

        gate.SetResult();
        Assert.That(await done.Reader.ReadAsync(), Is.EqualTo(TestItem.RefOf("vm-volume")));
        var finished = await Reconciler.ReconcileAsync(intended, started.NewCurrent, _registry, context, CancellationToken.None);

        Assert.That(finished.Converged, Is.True);
        Assert.That(_fake.Calls, Is.EqualTo(new[] { "create vm-volume", "create vm" }));
        Assert.That(finished.Log.Select(e => e.ToString()), Is.EqualTo(new[] { "Create test.item/vm-volume", "Create test.item/vm" }));
    }

    [Test]
    public async Task AsyncFailure_BecomesItemError_AndIsRetried()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _fake.Async["a"] = gate;
        _fake.FailOn.Add("a@async");
        var done = System.Threading.Channels.Channel.CreateUnbounded<ItemRef>();
        var context = new ReconcileContext(done.Writer);
        var intended = Intended(new TestItem("a"));
        var started = await Reconciler.ReconcileAsync(intended, new Graph("current"), _registry, context, CancellationToken.None);

        gate.SetResult();
        await done.Reader.ReadAsync();
        _fake.FailOn.Clear();
        _fake.Async.Clear();
        var collected = await Reconciler.ReconcileAsync(intended, started.NewCurrent, _registry, context, CancellationToken.None);

        Assert.That(collected.Log[0].Error, Is.EqualTo("async create a failed"));
        Assert.That(collected.Converged, Is.True, "the failed create is retried in the same pass that collected it");
        Assert.That(_fake.Calls, Is.EqualTo(new[] { "create a", "create a" }));
    }

    [Test]
    public async Task AsyncOperation_OfItemNoLongerIntended_IsCancelled()
    {
        _fake.Async["a"] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var done = System.Threading.Channels.Channel.CreateUnbounded<ItemRef>();
        var context = new ReconcileContext(done.Writer);
        var started = await Reconciler.ReconcileAsync(Intended(new TestItem("a")), new Graph("current"), _registry, context, CancellationToken.None);

        await Reconciler.ReconcileAsync(Intended(), started.NewCurrent, _registry, context, CancellationToken.None);

        Assert.That(await done.Reader.ReadAsync(), Is.EqualTo(TestItem.RefOf("a")));
        Assert.That(started.NewCurrent.StateOf(TestItem.RefOf("a"))!.Background!.Error, Is.EqualTo("cancelled"));
    }

    [Test]
    public void Registry_RefusesSecondConfiguratorForAType()
    {
        var e = Assert.Throws<InvalidOperationException>(() => _registry.Register(new RecordingConfigurator()));
        Assert.That(e!.Message, Does.Contain("'test.item' is already registered"));
    }

    [Test]
    public async Task ItemWithoutConfigurator_FailsWithReadableError()
    {
        var status = await Reconciler.ReconcileAsync(Intended(new TestItem("a")), new Graph("current"),
            new ConfiguratorRegistry(), CancellationToken.None);

        Assert.That(status.Failing[TestItem.RefOf("a")], Does.Contain("no configurator is registered for item type 'test.item'"));
    }

    [Test]
    public async Task Dot_ShowsStatesErrorsAndEdges()
    {
        _fake.FailOn.Add("a");
        var status = await Run(Intended(new TestItem("a"), new TestItem("b", DependsOn: new[] { "a" })), new Graph("current"));

        var dot = GraphDot.Write(status.NewCurrent);

        Assert.That(dot, Does.StartWith("digraph \"current\" {"));
        Assert.That(dot, Does.Contain("\"test.item/a\" [label=\"test.item/a\\nfailure\\nerror: create a refused by test\", fillcolor=salmon]"));
        Assert.That(dot, Does.Contain("\"test.item/b\" -> \"test.item/a\" [label=\"test\"]"));
    }

    [Test]
    public void EquatableArray_ComparesByContent()
    {
        EquatableArray<string> a = new[] { "x", "y" };
        EquatableArray<string> b = new List<string> { "x", "y" };

        Assert.That(new TestItem("n", DependsOn: a), Is.EqualTo(new TestItem("n", DependsOn: b)));
        Assert.That(a.GetHashCode(), Is.EqualTo(b.GetHashCode()));
        Assert.That(a, Is.Not.EqualTo((EquatableArray<string>)new[] { "y", "x" }));
        Assert.That(default(EquatableArray<string>), Is.EqualTo(EquatableArray<string>.Empty));
    }
}
