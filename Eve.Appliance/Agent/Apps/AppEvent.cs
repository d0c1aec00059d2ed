namespace Eve.Appliance.Agent.Apps;

/// <summary>What happens to an app instance; <see cref="AppTransitions"/> maps (state, event) to the next state.</summary>
internal enum AppEvent
{
    /// <summary>Content is needed and the download begins.</summary>
    DownloadStarted,
    /// <summary>Every blob is in the store (received, not yet checked by this pass).</summary>
    Downloaded,
    VerifyStarted,
    Verified,
    VolumesCreating,
    VolumesCreated,
    /// <summary>Content and volumes are ready; the domain can be started.</summary>
    Installed,
    BootStarted,
    /// <summary>QEMU runs and QMP says the guest runs.</summary>
    Booted,
    HaltRequested,
    Halted,
    /// <summary>QEMU went away without being asked (killed from outside, crashed).</summary>
    Crashed,
    /// <summary>A step failed; the error goes in info.</summary>
    Failed,
    /// <summary>Starting over after an error, a config change or an agent restart that found no VM.</summary>
    Reset,
    /// <summary>An agent restart found the app's QEMU still running and took it over.</summary>
    Adopted,
}
