namespace Eve.Appliance.Controller.Objects;

/// <summary>One broken rule: the field (a JSON path in the object, or device/… for checks across a
/// device's objects) and the rule in words.</summary>
public sealed record Problem(string Field, string Rule)
{
    public override string ToString() => $"{Field}: {Rule}";
}
