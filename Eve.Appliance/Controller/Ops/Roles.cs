namespace Eve.Appliance.Controller.Ops;

/// <summary>viewer reads; operator also changes objects, assignments and configs; admin also
/// manages operators, tokens and backups.</summary>
internal static class Roles
{
    public const string Viewer = "viewer";
    public const string Operator = "operator";
    public const string Admin = "admin";

    public static readonly string[] All = [Viewer, Operator, Admin];

    public static int Rank(string role) => role switch { Admin => 3, Operator => 2, Viewer => 1, _ => 0 };

    public static bool Allows(string have, string need) => Rank(have) >= Rank(need);
}
