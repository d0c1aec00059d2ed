using System.Globalization;
using System.Text;
using Eve.Appliance.Agent.Node;
using Microsoft.Extensions.Logging;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Agent.Watchdog;

/// <summary>Checks the <see cref="HealthMonitor"/> every <see cref="WatchdogOptions.CheckInterval"/>
/// and pets the hardware watchdog while every part is alive. When a part stalls past its limit it
/// is reported (log + a stall report file in /persist), the reason "watchdog" is recorded for the
/// next boot, and petting stops for good, so the board resets within the hardware timeout.
/// Without a hardware watchdog the stall is still reported and recorded; the appliance then asks
/// the host to reboot, as EVE's watchdogd would.
///
/// What the report holds: the stalled part's name, its last heartbeat, its limit, the managed
/// stack at which it registered and the process's OS threads. .NET cannot take another running
/// thread's managed stack from inside the process, so the runtime's createdump is run on the
/// process: its crash report (JSON) beside the stall report has every thread's managed frames,
/// including the one where the part hangs, and the minidump opens in dotnet-dump.</summary>
internal sealed class SoftwareWatchdog(HealthMonitor monitor, IHardwareWatchdog? hardware, BootHistory history,
    IRebootController reboot, WatchdogOptions options, Platform.Processes.IProcessRunner? runner = null) : IAgentSubsystem
{
    /// <summary>The crash report with every thread's stack, when createdump could write one.</summary>
    public string? LastStackReport { get; private set; }

    public string Name => "watchdog";

    /// <summary>Set when a stall was found; the hardware is no longer petted after that.</summary>
    public IReadOnlyList<PartHealth>? Tripped { get; private set; }

    public string? LastReportFile { get; private set; }

    public async Task RunAsync(AgentContext context, CancellationToken ct)
    {
        var log = context.Loggers.CreateLogger("Watchdog");
        if (Tripped != null) return; // never resume petting after a trip, even when restarted
        context.Reports.AddDeviceInfo(i => i.HardwareWatchdogPresent = hardware != null);
        if (hardware != null)
        {
            int accepted = hardware.SetTimeout(options.HardwareTimeoutSeconds);
            log.LogInformation("hardware watchdog {Name}: timeout {Seconds} s", hardware.Name, accepted);
        }
        else log.LogInformation("no hardware watchdog; hung parts are reported and the host asked to reboot");

        using var timer = new PeriodicTimer(options.CheckInterval, context.Time);
        do
        {
            var stalled = monitor.Stalled();
            if (stalled.Count == 0)
            {
                hardware?.KeepAlive();
                continue;
            }
            Tripped = stalled;
            var text = string.Join("; ", stalled.Select(p => string.Create(CultureInfo.InvariantCulture,
                $"{p.Name} silent for {p.Silent.TotalSeconds:0.#} s (limit {p.Limit.TotalSeconds:0.#} s)")));
            LastReportFile = WriteReport(stalled, context.Time.GetUtcNow());
            LastStackReport = await SaveStacksAsync(LastReportFile, log, ct).ConfigureAwait(false);
            log.LogCritical("hung: {Parts}; stall report {File}; {Action}", text, LastReportFile,
                hardware != null ? "no longer petting the hardware watchdog, the board will reset" : "asking the host to reboot");
            history.RecordIntent(BootReason.WatchdogHung, $"watchdog: {text}");
            if (hardware == null) await reboot.RebootAsync($"watchdog: {text}", ct).ConfigureAwait(false);
            return;
        }
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
    }

    /// <summary>createdump of this process: a minidump plus its crash report (JSON, every thread's
    /// managed frames), beside the stall report. A failure is logged; the trip goes on regardless.</summary>
    private async Task<string?> SaveStacksAsync(string reportFile, ILogger log, CancellationToken ct)
    {
        if (options.DumpTool is not { } tool) return null;
        var dump = Path.ChangeExtension(reportFile, ".dmp");
        try
        {
            await (runner ?? Platform.Processes.ProcessRunner.Default).RunAsync(tool,
                ["--normal", "--crashreport", "-f", dump, Environment.ProcessId.ToString(CultureInfo.InvariantCulture)],
                TimeSpan.FromSeconds(60), ct: ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Platform.Processes.ProcessFailedException or IOException or System.ComponentModel.Win32Exception or TimeoutException)
        {
            log.LogWarning("could not save the threads' stacks with {Tool}: {Reason}", tool, e.Message);
            return null;
        }
        var stacks = dump + ".crashreport.json";
        if (File.Exists(stacks))
            File.AppendAllText(reportFile, $"\nEvery thread's managed stack: {stacks} (minidump {dump}, open with dotnet-dump analyze)\n");
        return File.Exists(stacks) ? stacks : null;
    }

    private string WriteReport(IReadOnlyList<PartHealth> stalled, DateTimeOffset now)
    {
        Directory.CreateDirectory(options.ReportDir);
        var file = Path.Combine(options.ReportDir, $"watchdog-stall-{now:yyyyMMdd'T'HHmmss'Z'}.txt");
        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"watchdog stall at {now:O}, process {Environment.ProcessId}\n");
        foreach (var p in stalled)
        {
            b.Append(CultureInfo.InvariantCulture, $"\npart {p.Name}: last heartbeat {p.LastBeat:O}, silent {p.Silent.TotalSeconds:0.###} s, limit {p.Limit.TotalSeconds:0.###} s\n");
            b.Append("registered at:\n").Append(p.RegistrationStack).Append('\n');
        }
        b.Append("\nall parts:\n");
        foreach (var p in monitor.Snapshot())
            b.Append(CultureInfo.InvariantCulture, $"  {p.Name}: silent {p.Silent.TotalSeconds:0.###} s / {p.Limit.TotalSeconds:0.###} s\n");
        b.Append("\nOS threads (id, state from /proc):\n");
        foreach (var t in OsThreads()) b.Append("  ").Append(t).Append('\n');
        b.Append("\nThe managed stacks of other threads cannot be captured in-process; createdump saves them beside this file when the runtime has it.\n");
        Platform.Files.AtomicFile.WriteText(file, b.ToString());
        return file;
    }

    private static IEnumerable<string> OsThreads()
    {
        var dir = $"/proc/{Environment.ProcessId}/task";
        if (!Directory.Exists(dir)) yield break;
        foreach (var task in Directory.EnumerateDirectories(dir))
        {
            string comm = "", state = "";
            try
            {
                comm = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                var status = File.ReadAllLines(Path.Combine(task, "status"));
                state = status.FirstOrDefault(l => l.StartsWith("State:", StringComparison.Ordinal))?[6..].Trim() ?? "";
            }
            catch (IOException) { } // the thread ended while we looked
            yield return $"{Path.GetFileName(task)} {comm} {state}";
        }
    }
}
