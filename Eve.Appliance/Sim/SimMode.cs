namespace Eve.Appliance.Sim;

/// <summary>What the simulated fleet does once it exists.</summary>
internal enum SimMode
{
    /// <summary>Onboard, then poll config, post info, metrics and newlogs at EVE's timers (÷ speed-up).</summary>
    Fleet,

    /// <summary>All devices register and fetch their UUID at the same moment; nothing else.</summary>
    Storm,

    /// <summary>Onboard, fetch the config once, then poll with the current hash as fast as the
    /// connections allow: the controller's 304 throughput.</summary>
    Poll,
}
