using Eve.Appliance.Platform.Qemu;

namespace Eve.Appliance.Agent.Apps;

/// <summary>What app interfaces get before the networks subsystem exists: QEMU's user-mode
/// network (outbound only, no host setup), with the configured MAC or a stable generated one.</summary>
internal sealed class UserModeNetworkAttachment : IAppNetworkAttachment
{
    public ValueTask<QemuNic?> AttachAsync(Guid app, int index, AppInterfaceIntent adapter, CancellationToken ct) =>
        ValueTask.FromResult<QemuNic?>(QemuNic.User(adapter.Mac != "" ? adapter.Mac : StableMac(app, index)));

    public ValueTask DetachAsync(Guid app, CancellationToken ct) => ValueTask.CompletedTask;

    /// <summary>52:54:00 (QEMU's prefix) + three bytes of a hash of app and index: the same app
    /// keeps its MAC across restarts, so DHCP leases stay.</summary>
    public static string StableMac(Guid app, int index)
    {
        var h = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes($"{app:D}/{index}"));
        return $"52:54:00:{h[0]:x2}:{h[1]:x2}:{h[2]:x2}";
    }
}
