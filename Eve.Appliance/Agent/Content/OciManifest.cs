namespace Eve.Appliance.Agent.Content;

/// <summary>An image manifest resolved for linux/amd64: its own digest, its config and its layers
/// (for an EVE VM image, the layer is the disk image itself).</summary>
internal sealed record OciManifest(string Digest, string MediaType, OciDescriptor Config, IReadOnlyList<OciDescriptor> Layers);
