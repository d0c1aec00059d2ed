namespace Eve.Appliance.Agent.Apps;

/// <summary>One network adapter of an app: its name, the network instance it joins, and the MAC
/// from config (empty: a stable one is generated from the app and the adapter index).</summary>
internal sealed record AppInterfaceIntent(string Name, string NetworkId, string Mac);
