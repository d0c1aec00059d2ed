using Eve.Appliance.Agent.Reconcile;

namespace Eve.Appliance.Tests.Agent.Reconcile;

/// <summary>A generic item for engine tests: <c>Value</c> changes modify it, <c>Immutable</c> changes
/// force a recreate, <c>DependsOn</c> lists required items by name ("x" or "x!" for recreate-on-modify,
/// "x=v" for "x must have Value v").</summary>
internal sealed record TestItem(string Name, string Value = "", string Immutable = "", EquatableArray<string> DependsOn = default,
    bool IsExternal = false) : Item
{
    public const string Type = "test.item";

    public override ItemRef Ref => new(Type, Name);

    public override bool External => IsExternal;

    public override IEnumerable<Dependency> Dependencies => DependsOn.Select(Parse);

    public static ItemRef RefOf(string name) => new(Type, name);

    private static Dependency Parse(string spec)
    {
        if (spec.EndsWith('!')) return new Dependency(RefOf(spec[..^1]), "test", RecreateWhenModified: true);
        var eq = spec.IndexOf('=');
        if (eq < 0) return new Dependency(RefOf(spec), "test");
        var value = spec[(eq + 1)..];
        return new Dependency(RefOf(spec[..eq]), $"needs value {value}", i => ((TestItem)i).Value == value);
    }
}
