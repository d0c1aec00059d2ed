using Eve.Appliance.Platform.Processes;

namespace Eve.Appliance.Platform.Net;

/// <summary><see cref="ISysctlClient"/> over the <c>sysctl</c> tool run inside the namespace (network
/// sysctls are per namespace, so a namespace's forwarding never touches the host's).</summary>
internal sealed class SysctlClient(IProcessRunner runner) : ISysctlClient
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public async Task<string> GetAsync(string key, string? netns, CancellationToken ct)
    {
        var (file, args) = NetnsCommand.Exec(netns, "sysctl", ["-n", key]);
        var result = await runner.RunAsync(file, args, Timeout, ct: ct).ConfigureAwait(false);
        return result.Stdout.Trim();
    }

    public async Task SetAsync(string key, string value, string? netns, CancellationToken ct)
    {
        var (file, args) = NetnsCommand.Exec(netns, "sysctl", ["-w", $"{key}={value}"]);
        await runner.RunAsync(file, args, Timeout, ct: ct).ConfigureAwait(false);
    }
}
