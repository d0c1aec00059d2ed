using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Agent.Networks;

/// <summary>Everything one networks pass depends on.</summary>
internal sealed record NetworksArgs(
    IReadOnlyList<NetworkInstanceConfig> Instances,
    IReadOnlyList<AppNetworkInterface> AppInterfaces,
    IReadOnlyList<DevicePort> Ports);
