namespace Eve.Appliance.Platform.Net;

/// <summary>One line of a dnsmasq lease file.</summary>
internal sealed record DhcpLease(DateTimeOffset Expires, string Mac, string Ip, string? Hostname);
