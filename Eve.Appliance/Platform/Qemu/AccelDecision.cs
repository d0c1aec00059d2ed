namespace Eve.Appliance.Platform.Qemu;

/// <summary>What <see cref="AccelProbe"/> chose and why, so the reason can go into info and logs.</summary>
internal sealed record AccelDecision(QemuAccel Accel, string Reason);
