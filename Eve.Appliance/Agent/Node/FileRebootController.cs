using System.Text.Json.Nodes;
using Eve.Appliance.Platform.Files;

namespace Eve.Appliance.Agent.Node;

/// <summary>`run --reboot-file FILE`: instead of rebooting the host, writes what was asked
/// ({"verb","reason"}) to FILE, durably, and leaves the process running. For a test bench or a VM
/// harness that "reboots" an A/B disk image itself; never used on a real appliance.</summary>
internal sealed class FileRebootController(string file) : IRebootController
{
    public Task RebootAsync(string reason, CancellationToken ct) => WriteAsync("reboot", reason);

    public Task ShutdownAsync(string reason, CancellationToken ct) => WriteAsync("shutdown", reason);

    public Task PowerOffAsync(string reason, CancellationToken ct) => WriteAsync("poweroff", reason);

    private Task WriteAsync(string verb, string reason)
    {
        AtomicFile.WriteText(file, new JsonObject { ["verb"] = verb, ["reason"] = reason }.ToJsonString());
        return Task.CompletedTask;
    }
}
