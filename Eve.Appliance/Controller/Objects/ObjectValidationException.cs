namespace Eve.Appliance.Controller.Objects;

/// <summary>A change refused because of broken rules; nothing of it was stored. The operator API
/// answers 400 with every problem, so one round trip shows all that is wrong.</summary>
internal sealed class ObjectValidationException(string heading, IReadOnlyList<Problem> problems)
    : Exception($"{heading}:\n  - " + string.Join("\n  - ", problems))
{
    public string Heading { get; } = heading;
    public IReadOnlyList<Problem> Problems { get; } = problems;
}
