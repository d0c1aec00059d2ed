namespace Eve.Appliance.Platform.Net;

/// <summary>Kernel parameters (<c>net.ipv4.ip_forward</c>…) of a network namespace or the current one.</summary>
internal interface ISysctlClient
{
    Task<string> GetAsync(string key, string? netns, CancellationToken ct);
    Task SetAsync(string key, string value, string? netns, CancellationToken ct);
}
