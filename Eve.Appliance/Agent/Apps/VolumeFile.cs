using Eve.Appliance.Platform.Qemu;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Agent.Apps;

/// <summary>A ready volume: the file QEMU gets, its format and its target (disk, kernel, initrd).</summary>
internal sealed record VolumeFile(Guid VolumeId, string Path, QemuImageFormat Format, Target Target, bool ReadOnly);
