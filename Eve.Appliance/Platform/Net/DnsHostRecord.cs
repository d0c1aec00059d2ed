namespace Eve.Appliance.Platform.Net;

/// <summary>A name dnsmasq answers itself (A record), e.g. an app's name on its network instance.</summary>
internal sealed record DnsHostRecord(string Name, string Ip);
