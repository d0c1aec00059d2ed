using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Eve.Appliance.Controller;
using Eve.Appliance.Platform.Processes;
using Eve.Appliance.Platform.Qemu;
using Eve.Appliance.Tests.Controller.Ops;
using Eve.Appliance.Tests.Support;

namespace Eve.Appliance.Tests.Controller.Console;

/// <summary>
/// The real appliance (`eve-appliance run` as a child process) with the operator listener on a free
/// loopback port and app networks in a namespace of its own, its first-start credentials read from
/// its console output, and its one device onboarded. Cleans up QEMU, dnsmasq and the namespace.
/// </summary>
internal sealed partial class ConsoleAppliance : IAsyncDisposable
{
    private readonly TempDir _dir;
    private readonly ApplianceProcess _process;

    private ConsoleAppliance(TempDir dir, ApplianceProcess process, string netns, int opsPort)
    {
        _dir = dir;
        _process = process;
        Netns = netns;
        OpsPort = opsPort;
    }

    public string DataDir => _dir.Sub("data");
    public string Netns { get; }
    public int OpsPort { get; }
    public string BaseUrl => $"https://127.0.0.1:{OpsPort}";
    public string Operator { get; private set; } = "";
    public string Password { get; private set; } = "";
    public string DeviceId { get; private set; } = "";
    public string Output => _process.Output;

    /// <summary>The operator API over the admin socket as the local admin (for setup the test is not about).</summary>
    public OpsHttp Local() => OpsHttp.Socket(DataDir);

    [GeneratedRegex(@"first start: operator '(?<op>[^']+)' password (?<pw>\S+)")]
    private static partial Regex FirstStartLine();

    public static async Task<ConsoleAppliance> StartAsync(string serial)
    {
        var dir = new TempDir("console");
        var netns = $"eve-con-{Guid.NewGuid():N}"[..16];
        var opsPort = ApplianceProcess.FreePort();
        var process = ApplianceProcess.Start("run", "--data-dir", dir.Sub("data"), "--listen", $"127.0.0.1:{ApplianceProcess.FreePort()}",
            "--ops-listen", $"127.0.0.1:{opsPort}", "--tpm", "none", "--serial", serial, "--app-netns", netns, "--log-interval", "2");
        var bed = new ConsoleAppliance(dir, process, netns, opsPort);
        try
        {
            var first = await Eventually.WaitAsync(() => Task.FromResult(FirstStartLine().Match(process.Output) is { Success: true } m ? m : null),
                () => $"the first-start credentials on the console; output:\n{process.Output}", 180);
            bed.Operator = first.Groups["op"].Value;
            bed.Password = first.Groups["pw"].Value;
            bed.DeviceId = await Eventually.WaitAsync(async () =>
            {
                if (!File.Exists(ControllerServer.AdminSocketPath(bed.DataDir))) return null;
                using var local = bed.Local();
                var (_, devices) = await local.GetAsync("api/ops/v1/devices");
                return devices is JsonArray { Count: > 0 } list ? list[0]!["id"]!.GetValue<string>() : null;
            }, () => $"the appliance's device onboarded; output:\n{process.Output}", 180);
            return bed;
        }
        catch
        {
            await bed.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.StopAsync();
        _process.Dispose();
        // VMs and dnsmasq outlive the agent by design (it adopts them on restart): stop ours by the
        // pids they recorded, checking each belongs to this data folder.
        if (Directory.Exists(DataDir))
        {
            foreach (var pidFile in Directory.GetFiles(DataDir, "*.pid", SearchOption.AllDirectories))
            {
                if (!int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid) || ProcStat.TryRead(pid) is not { IsGone: false } stat) continue;
                if (LinuxProcess.ReadCmdline(pid).Any(a => a.Contains(DataDir, StringComparison.Ordinal))) LinuxProcess.Kill(pid, stat.StartTicks);
            }
        }
        // check: false — the namespace is missing when the agent stopped before its networks started.
        await ProcessRunner.Default.RunAsync("ip", ["netns", "del", Netns], TimeSpan.FromSeconds(20), check: false);
        _dir.Dispose();
    }
}
