using Microsoft.Extensions.DependencyInjection;

namespace Eve.Appliance.Agent.Node;

internal static class MaintenanceServices
{
    /// <summary>Maintenance mode: the shared state (read by the apps and base-OS subsystems through
    /// the agent context) and the subsystem that works it out. Safe on any host: it only stops apps.</summary>
    public static IServiceCollection AddMaintenanceMode(this IServiceCollection services, MaintenanceOptions? options = null)
    {
        services.AddSingleton<MaintenanceMode>();
        services.AddSingleton<IAgentSubsystem>(sp => new MaintenanceSubsystem(sp.GetRequiredService<MaintenanceMode>(), options));
        return services;
    }
}
