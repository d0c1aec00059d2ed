namespace Eve.Appliance.Agent.Networks;

/// <summary>How an app NIC reaches its bridge: a tap QEMU opens, or a veth whose other end sits in a
/// network namespace (a container, or a test standing in for a VM).</summary>
internal enum AppVifKind
{
    Tap = 0,
    Veth = 1,
}
