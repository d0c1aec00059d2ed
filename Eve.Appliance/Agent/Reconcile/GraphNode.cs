namespace Eve.Appliance.Agent.Reconcile;

internal sealed record GraphNode(Item Item, ItemState State)
{
    public ItemRef Ref => Item.Ref;
}
