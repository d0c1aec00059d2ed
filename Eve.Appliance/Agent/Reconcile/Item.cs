namespace Eve.Appliance.Agent.Reconcile;

/// <summary>An immutable value describing one piece of system state the reconciler may create, modify
/// or delete. Record equality decides "modified", so fields must be values: use
/// <see cref="EquatableArray{T}"/> for collections. <see cref="Dependencies"/> is computed so that it
/// stays out of equality.</summary>
internal abstract record Item
{
    public abstract ItemRef Ref { get; }

    /// <summary>External items are created by someone else (a device port, a namespace); the engine
    /// never creates or deletes them, they only satisfy dependencies when present in the current graph.</summary>
    public virtual bool External => false;

    public virtual IEnumerable<Dependency> Dependencies => [];

    /// <summary>One line for logs and the DOT dump.</summary>
    public virtual string Describe() => ToString();
}
