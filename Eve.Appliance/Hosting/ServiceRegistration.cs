using Eve.Appliance.Agent;
using Eve.Appliance.Agent.Apps;
using Eve.Appliance.Agent.Config;
using Eve.Appliance.Agent.Telemetry.Logs;
using Eve.Appliance.Controller;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Eve.Appliance.Hosting;

/// <summary>One AddX per part (STYLE §5.5). Hosted services start in registration order and stop
/// in reverse: controller before agent, so the agent's first request finds it listening.</summary>
internal static class ServiceRegistration
{
    public static IServiceCollection AddController(this IServiceCollection services, ControllerOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<ControllerServer>();
        services.AddHostedService(sp => sp.GetRequiredService<ControllerServer>());
        return services;
    }

    public static IServiceCollection AddAgent(this IServiceCollection services, Func<IServiceProvider, AgentOptions> options, AgentLogSpool? spool)
    {
        services.AddSingleton(options);
        services.AddSingleton<ConfigHub>();
        services.AddSingleton(sp => new DeviceAgent(sp.GetRequiredService<AgentOptions>(), sp.GetRequiredService<ConfigHub>(),
            sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<TimeProvider>(), spool,
            sp.GetServices<IAgentSubsystem>(), sp.GetService<Agent.Watchdog.HealthMonitor>(), sp.GetService<Agent.Node.MaintenanceMode>()));
        services.AddHostedService(sp => sp.GetRequiredService<DeviceAgent>());
        return services;
    }

    /// <summary>App networks (bridges, dnsmasq, nft) inside <paramref name="netns"/>, which the
    /// appliance creates if needed: the host's own interfaces and firewall are never touched.</summary>
    public static IServiceCollection AddNetworks(this IServiceCollection services, string netns, string runDir)
    {
        services.AddSingleton(_ => new Agent.Networks.NetworksSubsystem(
            new Agent.Networks.NetworksOptions(netns, runDir), [], Platform.Processes.ProcessRunner.Default));
        services.AddSingleton<IAgentSubsystem>(sp => sp.GetRequiredService<Agent.Networks.NetworksSubsystem>());
        return services;
    }

    /// <summary>App instances as VMs; registered before <see cref="AddAgent"/> picks up its subsystems.</summary>
    public static IServiceCollection AddApps(this IServiceCollection services, AppsOptions? options = null)
    {
        // With app networks, VM NICs are taps on their instances' bridges (QEMU runs in that namespace).
        services.AddSingleton<IAgentSubsystem>(sp => new AppsSubsystem(options, sp.GetService<Agent.Networks.NetworksSubsystem>()?.Attachment));
        return services;
    }

    public static HostApplicationBuilder NewHost(string? logDir, AgentLogSpool? spool = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        LoggingSetup.Configure(builder.Logging, logDir, spool: spool?.LoggerProvider, localLevels: spool?.LocalLevels);
        return builder;
    }
}
