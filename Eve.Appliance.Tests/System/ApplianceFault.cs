namespace Eve.Appliance.Tests.SystemTests;

/// <summary>How a derived version's appliance misbehaves (<see cref="DerivedRootfs"/>).</summary>
internal enum ApplianceFault
{
    None,

    /// <summary>eve-appliance exits at once, every time: rootfs/init gives up after 3 starts and reboots.</summary>
    ExitsAtOnce,

    /// <summary>The real appliance starts, opens /dev/watchdog, and is then frozen (SIGSTOP): it
    /// stops petting, and only the hardware watchdog gets the machine out.</summary>
    HangsAfterArmingWatchdog,
}
