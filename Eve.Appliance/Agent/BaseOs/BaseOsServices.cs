using Eve.Appliance.Agent.Node;
using Eve.Appliance.Agent.Watchdog;
using Eve.Appliance.Platform.Processes;
using Microsoft.Extensions.DependencyInjection;

namespace Eve.Appliance.Agent.BaseOs;

/// <summary>One call for the host (`eve-appliance run`): the health monitor, boot history, node
/// agent, software + hardware watchdog and the base-OS subsystem, registered as agent subsystems.
/// `--boot-disk DISK` becomes <see cref="BaseOsOptions.BootDisk"/>; `--hardware-watchdog` opens
/// /dev/watchdog (opening arms it, so it is never opened unasked). `--reboot-file FILE` replaces the
/// host reboot with a request written to FILE (a test bench or a VM harness acts on it).</summary>
internal static class BaseOsServices
{
    public static IServiceCollection AddNodeHealth(this IServiceCollection services, BaseOsOptions baseOs, bool hardwareWatchdog,
        Func<IServiceProvider, EmbeddedControllerProbe?>? embeddedController = null, string? rebootFile = null)
    {
        services.AddSingleton(sp => new HealthMonitor(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new BootHistory(sp.GetRequiredService<AgentOptions>().PersistDir, sp.GetRequiredService<TimeProvider>()));
        if (rebootFile != null) services.AddSingleton<IRebootController>(_ => new FileRebootController(rebootFile));
        else services.AddSingleton<IRebootController>(_ => new HostRebootController(ProcessRunner.Default));
        if (hardwareWatchdog)
            services.AddSingleton<IHardwareWatchdog>(_ => LinuxHardwareWatchdog.TryOpen()
                ?? throw new InvalidOperationException("--hardware-watchdog was given but /dev/watchdog does not exist; load the board's watchdog driver (QEMU: -device i6300esb)"));
        services.AddSingleton<IAgentSubsystem>(sp => new NodeAgent(sp.GetRequiredService<BootHistory>(), sp.GetRequiredService<IRebootController>(),
            BootHistory.KernelBootId(), sp.GetService<IHardwareWatchdog>(), sp.GetRequiredService<HealthMonitor>()));
        services.AddSingleton<IAgentSubsystem>(sp => new SoftwareWatchdog(sp.GetRequiredService<HealthMonitor>(), sp.GetService<IHardwareWatchdog>(),
            sp.GetRequiredService<BootHistory>(), sp.GetRequiredService<IRebootController>(),
            new WatchdogOptions { ReportDir = Path.Combine(sp.GetRequiredService<AgentOptions>().PersistDir, "log") }));
        services.AddSingleton<IAgentSubsystem>(sp => new BaseOsSubsystem(baseOs, sp.GetRequiredService<IRebootController>(),
            sp.GetRequiredService<BootHistory>(), context => DefaultGates(context, sp.GetRequiredService<HealthMonitor>(), embeddedController?.Invoke(sp)),
            new ImageVersionReader(ProcessRunner.Default)));
        return services;
    }

    /// <summary>The commit gates: every registered part heartbeating, a management port with an
    /// address, the controller answering config polls, and the embedded controller answering when
    /// this appliance runs one.</summary>
    public static IReadOnlyList<IHealthGate> DefaultGates(AgentContext context, HealthMonitor monitor, EmbeddedControllerProbe? embeddedController)
    {
        var maxAge = TimeSpan.FromSeconds(Math.Max(60, 3 * (context.Options.ConfigIntervalOverride?.TotalSeconds ?? 60)));
        var gates = new List<IHealthGate>
        {
            HealthGates.Heartbeats(monitor),
            HealthGates.ManagementPort(),
            HealthGates.ControllerReachable(context.LastControllerContact, context.Time, maxAge),
        };
        if (embeddedController != null)
            gates.Add(HealthGates.EmbeddedController(embeddedController.DeviceApi, embeddedController.CaFile));
        return gates;
    }
}

/// <summary>Where the embedded controller listens (known once it started) and its root CA file.</summary>
internal sealed record EmbeddedControllerProbe(Func<Uri?> DeviceApi, string CaFile);
