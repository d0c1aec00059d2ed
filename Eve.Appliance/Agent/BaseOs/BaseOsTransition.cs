namespace Eve.Appliance.Agent.BaseOs;

/// <summary>The result of one event: the new slot states and the actions to run in order, or a
/// refusal that says why the event does not apply in this state (and then no actions).</summary>
internal sealed record BaseOsTransition(BaseOsSlots State, IReadOnlyList<BaseOsAction> Actions, string? Refusal = null)
{
    public bool Refused => Refusal != null;

    public static BaseOsTransition Refuse(BaseOsSlots s, string why) => new(s, [], why);
}
