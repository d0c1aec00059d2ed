namespace Eve.Appliance.Platform.Net;

/// <summary>An IPv4 route as <c>ip -j route show</c> reports it (<c>default</c> for 0.0.0.0/0).</summary>
internal sealed record RouteInfo(string Destination, string? Gateway, string? Device);
