namespace Eve.Appliance.Agent.BaseOs;

internal enum BaseOsActionKind
{
    /// <summary>Set a partition's EVE state. All state actions of one transition go into ONE GPT
    /// rewrite, so e.g. a commit (this active, other unused) lands entirely or not at all.</summary>
    SetCurrentState,
    SetOtherState,
    /// <summary>Start the test window (timer.test.baseimage.update).</summary>
    StartTestWindow,
    /// <summary>Report (info, ZInfoDevSW) that the other partition holds an update that failed.</summary>
    ReportFailedUpdate,
    /// <summary>Reboot; GRUB then picks by the GPT attributes just written.</summary>
    Reboot,
}

internal readonly record struct BaseOsAction(BaseOsActionKind Kind, EvePartitionState State = EvePartitionState.Other, string Reason = "")
{
    public static BaseOsAction SetCurrent(EvePartitionState s) => new(BaseOsActionKind.SetCurrentState, s);
    public static BaseOsAction SetOther(EvePartitionState s) => new(BaseOsActionKind.SetOtherState, s);
    public static BaseOsAction Reboot(string reason) => new(BaseOsActionKind.Reboot, Reason: reason);
    public static BaseOsAction StartTestWindow { get; } = new(BaseOsActionKind.StartTestWindow);
    public static BaseOsAction ReportFailedUpdate { get; } = new(BaseOsActionKind.ReportFailedUpdate);

    public override string ToString() => Kind switch
    {
        BaseOsActionKind.SetCurrentState => $"current:={PartitionState.Name(State)}",
        BaseOsActionKind.SetOtherState => $"other:={PartitionState.Name(State)}",
        BaseOsActionKind.Reboot => "reboot",
        BaseOsActionKind.StartTestWindow => "start-test",
        _ => "report-failed",
    };
}
