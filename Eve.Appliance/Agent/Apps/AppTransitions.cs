using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Agent.Apps;

/// <summary>The app instance lifecycle as a pure function over EVE's ZSwState values:
/// INITIAL → DOWNLOAD_STARTED → DOWNLOADED → VERIFYING → VERIFIED → CREATING_VOLUME →
/// CREATED_VOLUME → INSTALLED → BOOTING → RUNNING → HALTING → HALTED, with ERROR from anywhere.
/// A pair not in the table is refused (null), so a worker bug shows up as a refused move in the
/// log instead of a state EVE's controllers would not expect.</summary>
internal static class AppTransitions
{
    public static ZSwState? Next(ZSwState state, AppEvent e) => (state, e) switch
    {
        (_, AppEvent.Failed) => ZSwState.Error,
        (_, AppEvent.Reset) => ZSwState.Initial,
        (_, AppEvent.Adopted) => ZSwState.Running,

        (ZSwState.Initial or ZSwState.Error or ZSwState.Halted or ZSwState.Installed, AppEvent.DownloadStarted) => ZSwState.DownloadStarted,
        (ZSwState.DownloadStarted, AppEvent.Downloaded) => ZSwState.Downloaded,
        (ZSwState.Downloaded, AppEvent.VerifyStarted) => ZSwState.Verifying,
        (ZSwState.Verifying, AppEvent.Verified) => ZSwState.Verified,
        (ZSwState.Verified, AppEvent.VolumesCreating) => ZSwState.CreatingVolume,
        (ZSwState.CreatingVolume, AppEvent.VolumesCreated) => ZSwState.CreatedVolume,
        (ZSwState.CreatedVolume, AppEvent.Installed) => ZSwState.Installed,

        (ZSwState.Installed or ZSwState.Halted or ZSwState.Error, AppEvent.BootStarted) => ZSwState.Booting,
        (ZSwState.Booting, AppEvent.Booted) => ZSwState.Running,
        (ZSwState.Booting or ZSwState.Running, AppEvent.HaltRequested) => ZSwState.Halting,
        (ZSwState.Halting or ZSwState.Installed, AppEvent.Halted) => ZSwState.Halted,
        (ZSwState.Booting or ZSwState.Running or ZSwState.Halting, AppEvent.Crashed) => ZSwState.Error,
        _ => null,
    };

    /// <summary>States in which a QEMU process belongs to the app (to adopt after an agent restart).</summary>
    public static bool HasDomain(ZSwState state) => state is ZSwState.Booting or ZSwState.Running or ZSwState.Halting;
}
