using System.Globalization;
using Eve.Appliance.Agent.Config;
using Microsoft.Extensions.Logging;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Agent.Node;

/// <summary>Works out maintenance mode from its three sources: the controller's config
/// (`maintenance_mode`), a local request (<see cref="MaintenanceOptions.LocalRequestFile"/>) and
/// low free disk on /persist. On a change it reports device info and re-publishes the current
/// config, so the apps subsystem (which stops every app while in maintenance mode) and the base-OS
/// subsystem (which holds updates) act on it without waiting for the next config.</summary>
internal sealed class MaintenanceSubsystem(MaintenanceMode mode, MaintenanceOptions? options = null) : IAgentSubsystem
{
    private readonly MaintenanceOptions _options = options ?? new MaintenanceOptions();
    private int _evaluations;

    public string Name => "maintenance";

    /// <summary>How many times the sources were looked at (tests wait on it).</summary>
    public int Evaluations => Volatile.Read(ref _evaluations);

    public async Task RunAsync(AgentContext context, CancellationToken ct)
    {
        var log = context.Loggers.CreateLogger("Maintenance");
        context.Reports.AddDeviceInfo(mode.Contribute);
        var requestFile = _options.LocalRequestFile ?? Path.Combine(context.Options.PersistDir, "status", "maintenance-mode");
        using var beat = context.Health?.Register(Name);
        var changes = context.Hub.Subscribe();
        while (true)
        {
            beat?.Beat();
            var reasons = Evaluate(context.Hub.Current, requestFile, context.Options.PersistDir);
            if (mode.Set(reasons))
            {
                if (reasons.Count > 0) log.LogWarning("maintenance mode: apps stopped, base-OS updates held: {Reasons}", mode.Describe());
                else log.LogInformation("maintenance mode ended: apps start again");
                context.Reports.DeviceInfoChanged();
                if (context.Hub.Current is { } current) context.Hub.Publish(current); // wake apps and base OS
            }
            Interlocked.Increment(ref _evaluations);
            beat?.Idle();
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            wait.CancelAfter(_options.CheckInterval);
            try { await changes.ReadAsync(wait.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested) { }
        }
    }

    /// <summary>The reasons that hold now, in a stable order (controller, local, disk).</summary>
    internal IReadOnlyList<MaintenanceReason> Evaluate(DesiredState? state, string requestFile, string persistDir)
    {
        var reasons = new List<MaintenanceReason>();
        if (state?.Config.MaintenanceMode == true)
            reasons.Add(new MaintenanceReason(MaintenanceModeReason.UserRequested, "the controller asked for maintenance mode (config maintenance_mode)"));
        if (File.Exists(requestFile))
        {
            string why;
            try { why = File.ReadLines(requestFile).FirstOrDefault()?.Trim() ?? ""; }
            catch (IOException) { why = ""; } // being rewritten; the request stands
            reasons.Add(new MaintenanceReason(MaintenanceModeReason.UserRequested,
                $"maintenance mode requested locally ({requestFile}{(why != "" ? ": " + why : "")}); delete the file to leave it"));
        }
        long min = _options.MinFreeBytes;
        long free = _options.FreeBytes(persistDir);
        if (free < min)
            reasons.Add(new MaintenanceReason(MaintenanceModeReason.LowDiskSpace, string.Create(CultureInfo.InvariantCulture,
                $"low disk space: {persistDir} has {free / 1048576.0:0.#} MiB free, below {min / 1048576.0:0.#} MiB; free space (delete unused apps or images) to leave maintenance mode")));
        return reasons;
    }
}
