namespace Eve.Appliance.Controller.LocalProfile;

/// <summary>shutdown, shutdown-poweroff, graceful-reboot or collect-info for the device.</summary>
public sealed class LpsDevCommand
{
    public string Command { get; set; } = "shutdown";
    public ulong Timestamp { get; set; }
}
