namespace Eve.Appliance.Agent.Node;

internal sealed record NodeOptions
{
    /// <summary>How often the time since the controller last answered is checked.</summary>
    public TimeSpan NoNetworkCheckInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Overrides `timer.reboot.no.network` (EVE's default: 7 days); tests use seconds.</summary>
    public TimeSpan? RebootNoNetwork { get; init; }

    public static readonly TimeSpan DefaultRebootNoNetwork = TimeSpan.FromDays(7);
}
