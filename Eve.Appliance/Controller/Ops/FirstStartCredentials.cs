namespace Eve.Appliance.Controller.Ops;

/// <summary>What the first start made for operator "admin": shown once, stored only as hashes.</summary>
internal sealed record FirstStartCredentials(string Operator, string Password, string Token);
