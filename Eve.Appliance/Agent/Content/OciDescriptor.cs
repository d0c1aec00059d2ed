namespace Eve.Appliance.Agent.Content;

/// <summary>An OCI content descriptor: what a manifest says about one blob.</summary>
internal sealed record OciDescriptor(string MediaType, string Digest, long Size);
