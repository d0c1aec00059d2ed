using Eve.Appliance.Platform.Processes;

namespace Eve.Appliance.Agent.Node;

/// <summary>Reboots the machine with systemd when it runs (an orderly stop of the appliance first),
/// else with busybox/util-linux `reboot -f` after sync (an init-less appliance image).</summary>
internal sealed class HostRebootController(IProcessRunner runner) : IRebootController
{
    public Task RebootAsync(string reason, CancellationToken ct) => RunAsync("reboot", ct);

    // EVE's shutdown stops the apps and leaves the box powered; poweroff also cuts power. On a
    // general-purpose host both end in `poweroff`, the apps having been stopped by the appliance's
    // own orderly shutdown.
    public Task ShutdownAsync(string reason, CancellationToken ct) => RunAsync("poweroff", ct);

    public Task PowerOffAsync(string reason, CancellationToken ct) => RunAsync("poweroff", ct);

    private async Task RunAsync(string verb, CancellationToken ct)
    {
        if (Directory.Exists("/run/systemd/system"))
        {
            await runner.RunAsync("systemctl", [verb], ct: ct).ConfigureAwait(false);
            return;
        }
        await runner.RunAsync("sync", [], ct: ct).ConfigureAwait(false);
        await runner.RunAsync(verb, ["-f"], ct: ct).ConfigureAwait(false);
    }
}
