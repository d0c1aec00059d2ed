namespace Eve.Appliance.Controller.Images;

/// <summary>One image of the built-in datastore.</summary>
internal sealed record ImageRecord(string Sha256, long Size, string Name);
