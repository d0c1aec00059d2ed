namespace Eve.Appliance.Platform.Qemu;

/// <summary>The accelerator QEMU is told to use. Always passed explicitly (`-accel tcg|kvm`), never
/// `kvm:tcg`: a KVM that only pretends (nested PVM) opens fine and then hangs the guest.</summary>
internal enum QemuAccel
{
    Tcg,
    Kvm,
}
