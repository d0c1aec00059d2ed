namespace Eve.Appliance.Platform.Qemu;

/// <summary>Kernel + initrd boot without firmware or a boot disk (the test guest, and apps that ship
/// a kernel separately).</summary>
internal sealed record QemuDirectBoot(string Kernel, string? Initrd = null, string? Append = null);
