namespace Eve.Appliance.Controller.Images;

/// <summary>`ctl image add`: a file on the controller host to copy into the built-in datastore.</summary>
internal sealed record ImageAddRequest(string Path);
