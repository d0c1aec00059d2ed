using System.Globalization;

namespace Eve.Appliance.Agent.Node;

/// <summary>EVE's `timer.reboot.no.network`: a device that has not reached its controller for that
/// long reboots, because a fresh boot re-runs every network setup (DHCP, modems, the fallback port
/// configs) and is the last thing that can fix a link nobody can reach to repair. Time counts from
/// the later of the agent's start and the controller's last answer, so a box that boots without
/// network gets the whole timer before it tries again. 0 turns it off.</summary>
internal static class NoNetworkReboot
{
    /// <summary>Why the device must reboot now, or null.</summary>
    public static string? Due(DateTimeOffset now, DateTimeOffset started, DateTimeOffset? lastContact, TimeSpan limit)
    {
        if (limit <= TimeSpan.Zero) return null;
        var since = lastContact is { } c && c > started ? c : started;
        var silent = now - since;
        if (silent < limit) return null;
        return string.Create(CultureInfo.InvariantCulture,
            $"no contact with the controller for {silent.TotalSeconds:0} s ({(lastContact is { } l ? $"last answer at {l:u}" : "none since the agent started")}), " +
            $"timer.reboot.no.network is {limit.TotalSeconds:0} s: rebooting to set the network up afresh");
    }
}
