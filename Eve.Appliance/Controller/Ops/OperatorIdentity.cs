namespace Eve.Appliance.Controller.Ops;

/// <summary>Who is asking: an operator's name and role, and how they came in (socket = the local
/// admin socket, token, session or cert over the operator listener).</summary>
internal sealed record OperatorIdentity(string Name, string Role, string Via)
{
    public static readonly OperatorIdentity Controller = new("controller", Roles.Admin, "internal");

    public override string ToString() => $"{Name} ({Role}, {Via})";
}
