namespace Eve.Appliance.Platform.Gpt;

/// <summary>A disk whose partition table cannot be used: the message names the disk, what is
/// wrong with each copy, and what to do.</summary>
internal sealed class GptException(string message) : Exception(message);
