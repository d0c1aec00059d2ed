namespace Eve.Appliance.Platform.Qemu;

/// <summary>VNC console. The password never goes on the command line (it would show in
/// /proc/&lt;pid&gt;/cmdline); QEMU starts with `password=on`, which refuses every client until the
/// supervisor sets the password over QMP.</summary>
internal sealed record QemuVnc(string ListenAddress, int Display, string? Password = null);
