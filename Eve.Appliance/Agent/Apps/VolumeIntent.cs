using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Agent.Apps;

/// <summary>A volume an app uses: blank (no content) or made from a content tree, with its target
/// (Disk, or Kernel/Initrd for direct boot), the size to grow it to (0 = the content's size) and
/// EVE's generation counter (a new generation recreates it).</summary>
internal sealed record VolumeIntent(Guid Id, string Name, ContentIntent? Content, Target Target, long MaxSizeBytes, long Generation, bool ReadOnly);
