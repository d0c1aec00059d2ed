using System.Threading.Channels;
using Eve.Appliance.Platform.Qemu;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Agent.Apps;

/// <summary>The seam to the networks subsystem: for each app interface it hands back the NIC to
/// give QEMU (a tap it created on the network instance's bridge), or null when the interface's
/// network is not ready (the app then waits). Without that subsystem,
/// <see cref="UserModeNetworkAttachment"/> gives every interface a user-mode (slirp) NIC.</summary>
internal interface IAppNetworkAttachment
{
    ValueTask<QemuNic?> AttachAsync(Guid app, int index, AppInterfaceIntent adapter, CancellationToken ct);

    /// <summary>The app's domain is gone for good: release what <see cref="AttachAsync"/> made.</summary>
    ValueTask DetachAsync(Guid app, CancellationToken ct);

    /// <summary>The network namespace the app's QEMU must run in to open its taps; null: the agent's own.</summary>
    string? Netns => null;

    /// <summary>The app's interfaces as ZInfoApp reports them (MAC, vif, IP from the DHCP lease).</summary>
    IReadOnlyList<ZInfoNetwork> Status(Guid app) => [];

    /// <summary>Apps whose <see cref="Status"/> changed (e.g. a lease was taken), so their info is re-sent.</summary>
    ChannelReader<Guid>? Changes => null;
}
