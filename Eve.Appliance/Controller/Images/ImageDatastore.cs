namespace Eve.Appliance.Controller.Images;

/// <summary>The DatastoreConfig fields a device config needs to fetch from the built-in datastore.</summary>
internal sealed record ImageDatastore(string DType, string Fqdn, string Dpath);
