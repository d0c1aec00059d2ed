using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Agent.Node;

/// <summary>Whether the device is in maintenance mode, and every reason why (EVE's zedagent
/// keeps a list: the controller asked, the operator asked locally, the disk is low…). In
/// maintenance mode the apps are stopped and base-OS updates are held; the device keeps talking
/// to its controller so the operator can take it out again. Thread-safe: the maintenance
/// subsystem writes, the apps, base-OS and info loops read.</summary>
internal sealed class MaintenanceMode
{
    private readonly Lock _lock = new();
    private IReadOnlyList<MaintenanceReason> _reasons = [];

    public IReadOnlyList<MaintenanceReason> Reasons { get { lock (_lock) return _reasons; } }

    public bool Active => Reasons.Count > 0;

    /// <summary>The reasons in words, for logs, info and refusals ("" when not in maintenance mode).</summary>
    public string Describe() => string.Join("; ", Reasons.Select(r => r.Text));

    /// <summary>Replaces the reasons; true when they changed.</summary>
    public bool Set(IReadOnlyList<MaintenanceReason> reasons)
    {
        lock (_lock)
        {
            if (reasons.SequenceEqual(_reasons)) return false;
            _reasons = reasons;
            return true;
        }
    }

    /// <summary>ZInfoDevice: maintenance_mode, maintenance_mode_reason (the first, for old
    /// controllers), maintenance_mode_reasons (all), and the device state.</summary>
    public void Contribute(ZInfoDevice info)
    {
        var reasons = Reasons;
        info.MaintenanceMode = reasons.Count > 0;
        info.MaintenanceModeReasons.Clear();
        if (reasons.Count == 0)
        {
            info.MaintenanceModeReason = MaintenanceModeReason.None;
            return;
        }
        info.MaintenanceModeReason = reasons[0].Code;
        info.MaintenanceModeReasons.AddRange(reasons.Select(r => r.Code).Distinct());
        info.State = ZDeviceState.MaintenanceMode;
    }
}

/// <summary>One reason for maintenance mode: EVE's code and what happened, in words.</summary>
internal sealed record MaintenanceReason(MaintenanceModeReason Code, string Text);
