namespace Eve.Appliance.Platform.Qemu;

/// <summary>A virtio block device backed by an image file.</summary>
internal sealed record QemuDisk(string Path, QemuImageFormat Format, bool ReadOnly = false);
