namespace Eve.Appliance.Agent.Connectivity;

/// <summary>One proxy server: protocol (<c>http</c>, <c>https</c>, <c>socks</c>, <c>ftp</c>), host, port.</summary>
internal sealed record DpcProxyServer(string Protocol, string Server, uint Port);
