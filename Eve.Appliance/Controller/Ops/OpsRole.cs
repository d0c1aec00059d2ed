namespace Eve.Appliance.Controller.Ops;

/// <summary>Endpoint metadata: the least role that may call it (default: viewer for GET, operator
/// otherwise). <see cref="Anonymous"/> marks the login endpoint.</summary>
internal sealed record OpsRole(string Role, bool Anonymous = false);
