namespace Eve.Appliance.Controller.Images;

/// <summary>An image of the built-in datastore as the operator sees it.</summary>
internal sealed record ImageInfo(string Sha256, long Size, string Name, string Url, ImageDatastore Datastore);
