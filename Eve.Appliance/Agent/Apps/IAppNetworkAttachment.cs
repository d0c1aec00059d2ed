using Eve.Appliance.Platform.Qemu;

namespace Eve.Appliance.Agent.Apps;

/// <summary>The seam to the networks subsystem: for each app interface it hands back the NIC to
/// give QEMU (a tap it created on the network instance's bridge), or null when the interface's
/// network is not ready (the app then waits). Until that subsystem exists,
/// <see cref="UserModeNetworkAttachment"/> gives every interface a user-mode (slirp) NIC.</summary>
internal interface IAppNetworkAttachment
{
    ValueTask<QemuNic?> AttachAsync(Guid app, int index, AppInterfaceIntent adapter, CancellationToken ct);

    /// <summary>The app's domain is gone for good: release what <see cref="AttachAsync"/> made.</summary>
    ValueTask DetachAsync(Guid app, CancellationToken ct);
}
