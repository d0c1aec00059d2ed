namespace Eve.Appliance.Agent.Reconcile;

internal enum Operation
{
    None = 0,
    Create,
    Modify,
    Delete,
    Recreate,
}
