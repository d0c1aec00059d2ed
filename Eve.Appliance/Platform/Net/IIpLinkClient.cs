namespace Eve.Appliance.Platform.Net;

/// <summary>Links, addresses and routes, in a network namespace (<c>netns</c>) or the current one (null).
/// Deletes tolerate absence so configurators stay idempotent.</summary>
internal interface IIpLinkClient
{
    Task<IReadOnlyList<LinkInfo>> ListLinksAsync(string? netns, CancellationToken ct);
    Task<LinkInfo?> GetLinkAsync(string name, string? netns, CancellationToken ct);
    Task AddBridgeAsync(string name, string? netns, CancellationToken ct);

    /// <summary>Creates a veth pair; the peer is placed in <paramref name="peerNetns"/> when given.</summary>
    Task AddVethAsync(string name, string peerName, string? netns, string? peerNetns, CancellationToken ct);

    Task AddTapAsync(string name, string? netns, CancellationToken ct);

    /// <summary>Deletes a link; false when it did not exist.</summary>
    Task<bool> DeleteLinkAsync(string name, string? netns, CancellationToken ct);

    Task SetUpAsync(string name, bool up, string? netns, CancellationToken ct);

    /// <summary>Enslaves <paramref name="name"/> to a bridge, or frees it when <paramref name="master"/> is null.</summary>
    Task SetMasterAsync(string name, string? master, string? netns, CancellationToken ct);

    Task SetMacAsync(string name, string mac, string? netns, CancellationToken ct);
    Task SetMtuAsync(string name, int mtu, string? netns, CancellationToken ct);
    Task AddAddressAsync(string name, string cidr, string? netns, CancellationToken ct);
    Task DeleteAddressAsync(string name, string cidr, string? netns, CancellationToken ct);
    Task<IReadOnlyList<RouteInfo>> ListRoutesAsync(string? netns, CancellationToken ct);

    /// <summary>Adds or replaces a route (<c>ip route replace</c>), so repeating it is harmless.</summary>
    Task ReplaceRouteAsync(string destination, string? gateway, string? device, string? netns, CancellationToken ct);

    Task<bool> DeleteRouteAsync(string destination, string? netns, CancellationToken ct);
}
