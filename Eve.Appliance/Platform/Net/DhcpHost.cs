namespace Eve.Appliance.Platform.Net;

/// <summary>A static lease: the client with <paramref name="Mac"/> always gets <paramref name="Ip"/>.</summary>
internal sealed record DhcpHost(string Mac, string Ip, string? Hostname = null);
