namespace Eve.Appliance.Platform.Qemu;

/// <summary>`qemu-img check` result: corruptions make the image unusable, leaks only waste space.</summary>
internal sealed record QemuImageCheck(string Path, long Corruptions, long Leaks, bool Ok);
