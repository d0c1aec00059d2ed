namespace Eve.Appliance.Agent.Reconcile;

/// <summary>Identity of a reconciled item: its type (e.g. <c>linux.bridge</c>) and a name unique within
/// that type. Printed as <c>type/name</c>, the form logs, info and the DOT dump use.</summary>
internal readonly record struct ItemRef(string Type, string Name)
{
    public override string ToString() => $"{Type}/{Name}";
}
