using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Agent.Networks;

/// <summary>An app NIC placed on a network instance: its device-side interface, MAC, the address the
/// instance's dnsmasq hands it (null on switch instances), the DNS name it answers to, and its ACLs.</summary>
internal sealed record AppAddress(
    string AppUuid,
    string AppName,
    int Index,
    string Vif,
    string Mac,
    string? Ip,
    string HostName,
    IReadOnlyList<ACE> Acls);
