namespace Eve.Appliance.Controller.Ops.Vnc;

/// <summary>The answer to POST /apps/{id}/vnc/ticket.</summary>
internal sealed record VncTicket(string Ticket, string Url, DateTime ExpiresAt, string App, string Device, string? Password);
