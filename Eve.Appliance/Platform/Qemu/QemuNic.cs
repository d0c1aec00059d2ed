namespace Eve.Appliance.Platform.Qemu;

internal enum QemuNicKind
{
    /// <summary>A host tap interface the networks subsystem plugs into a bridge.</summary>
    Tap,

    /// <summary>QEMU's user-mode (slirp) network: outbound only, no host setup needed.</summary>
    User,
}

/// <summary>A virtio NIC. <see cref="TapIfName"/> is set only for <see cref="QemuNicKind.Tap"/>.</summary>
internal sealed record QemuNic(QemuNicKind Kind, string Mac, string? TapIfName = null)
{
    public static QemuNic Tap(string ifName, string mac) => new(QemuNicKind.Tap, mac, ifName);

    public static QemuNic User(string mac) => new(QemuNicKind.User, mac);
}
