namespace Eve.Appliance.Controller.Objects.Model;

public static class AssignmentModes
{
    public const string Objects = "objects";
    public const string Raw = "raw";
}
