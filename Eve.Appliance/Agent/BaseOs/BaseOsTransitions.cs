namespace Eve.Appliance.Agent.BaseOs;
using S = EvePartitionState;
using A = BaseOsAction;

/// <summary>The A/B update machine as a pure function (state, event) → (state, actions), following
/// EVE's zboot/baseosmgr/nodeagent:
/// <code>
///   (active, unused|inprogress) --ImageWritten--> (active, updating)  + reboot
///   boot: GRUB picks updating (prio 3 > 2), tries 1→0: it runs as inprogress, the old one active
///   (inprogress, active|inprogress) --Started--> start the test window
///   (inprogress, active|inprogress) --TestPassed--> (active, unused)    [MarkCurrentPartitionStateActive]
///   (inprogress, active) --TestFailed--> reboot; GRUB skips inprogress (no tries, not successful)
///   (active, inprogress) --Started--> report the failed update; it stays inprogress (EVE keeps it so
///       the failed version is shown and refused, its logs uploaded, and RetryUpdate can re-stage it)
///   (active, inprogress) --RetryUpdate--> (active, updating) + reboot
///   (active, unused) --ForceFallback--> (active, updating) + reboot   [boot the previous image on trial]
///   (active, inprogress|updating) --DiscardOther--> (active, unused)
/// </code>
/// Anything else is refused with the reason. The caller checks image-level preconditions (the other
/// partition holds a verified image before ForceFallback, the version is not a refused one).</summary>
internal static class BaseOsTransitions
{
    public static BaseOsTransition Next(BaseOsSlots s, BaseOsEvent e)
    {
        if (s.Current is S.Other || s.Other is S.Other)
            return BaseOsTransition.Refuse(s, $"{s}: a partition has attributes EVE never writes; repair the GPT attributes (zboot set_partstate) before updating");
        return e switch
        {
            BaseOsEvent.Started => Started(s),
            BaseOsEvent.ImageWritten => ImageWritten(s),
            BaseOsEvent.TestPassed => TestPassed(s),
            BaseOsEvent.TestFailed => TestFailed(s),
            BaseOsEvent.ForceFallback => ForceFallback(s),
            BaseOsEvent.RetryUpdate => RetryUpdate(s),
            BaseOsEvent.DiscardOther => DiscardOther(s),
            _ => throw new ArgumentOutOfRangeException(nameof(e), e, null),
        };
    }

    private static BaseOsTransition Started(BaseOsSlots s) => s switch
    {
        { Current: S.Active, Other: S.Unused } => new(s, []),
        { Current: S.Active, Other: S.InProgress } => new(s, [A.ReportFailedUpdate]),
        // Staged but the reboot did not happen (crash or restart in between): finish the job.
        { Current: S.Active, Other: S.Updating } => new(s, [A.Reboot("an update was staged before the agent restarted")]),
        { Current: S.InProgress, Other: S.Active or S.InProgress } => new(s, [A.StartTestWindow]),
        { Current: S.Active, Other: S.Active } => BaseOsTransition.Refuse(s, $"{s}: both partitions are active; GRUB boots the lower-numbered one. Mark the other unused"),
        _ => BaseOsTransition.Refuse(s, $"{s}: GRUB's gptprio does not boot into this state; the attributes were changed by hand"),
    };

    private static BaseOsTransition ImageWritten(BaseOsSlots s) => s switch
    {
        { Current: S.Active, Other: S.Unused or S.InProgress } =>
            new(s with { Other = S.Updating }, [A.SetOther(S.Updating), A.Reboot("base image update")]),
        { Current: S.Active, Other: S.Updating } => BaseOsTransition.Refuse(s, $"{s}: an update is already staged; reboot into it or discard it first"),
        { Current: S.InProgress } => BaseOsTransition.Refuse(s, $"{s}: this image is still in its test window; wait for commit or fallback"),
        _ => BaseOsTransition.Refuse(s, $"{s}: an update needs the current partition active and the other unused or failed"),
    };

    private static BaseOsTransition TestPassed(BaseOsSlots s) => s switch
    {
        { Current: S.InProgress, Other: S.Active or S.InProgress } =>
            new(new BaseOsSlots(S.Active, S.Unused), [A.SetCurrent(S.Active), A.SetOther(S.Unused)]),
        _ => BaseOsTransition.Refuse(s, $"{s}: nothing to commit; only an inprogress partition can become active"),
    };

    private static BaseOsTransition TestFailed(BaseOsSlots s) => s switch
    {
        { Current: S.InProgress, Other: S.Active } => new(s, [A.Reboot("fallback: the new image failed its test window")]),
        // Both on trial: rebooting would find nothing bootable. Keep this image and make it bootable.
        { Current: S.InProgress, Other: S.InProgress } =>
            BaseOsTransition.Refuse(s, $"{s}: no committed image to fall back to; staying on this one until the operator decides"),
        _ => BaseOsTransition.Refuse(s, $"{s}: no test window is running"),
    };

    private static BaseOsTransition ForceFallback(BaseOsSlots s) => s switch
    {
        { Current: S.Active, Other: S.Unused } =>
            new(s with { Other = S.Updating }, [A.SetOther(S.Updating), A.Reboot("forced fallback to the other image")]),
        _ => BaseOsTransition.Refuse(s, $"{s}: force fallback needs the current partition active and the other unused (holding the previous image)"),
    };

    private static BaseOsTransition RetryUpdate(BaseOsSlots s) => s switch
    {
        { Current: S.Active, Other: S.InProgress } =>
            new(s with { Other = S.Updating }, [A.SetOther(S.Updating), A.Reboot("retrying the failed update")]),
        _ => BaseOsTransition.Refuse(s, $"{s}: no failed update to retry"),
    };

    private static BaseOsTransition DiscardOther(BaseOsSlots s) => s switch
    {
        { Current: S.Active, Other: S.InProgress or S.Updating } =>
            new(s with { Other = S.Unused }, [A.SetOther(S.Unused)]),
        { Current: S.Active, Other: S.Unused } => new(s, []),
        _ => BaseOsTransition.Refuse(s, $"{s}: the other partition can be discarded only while the current one is active"),
    };
}
