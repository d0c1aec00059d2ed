namespace Eve.Appliance.Platform.Net;

/// <summary>Asks dnsmasq to add every IPv4 address it resolves for <paramref name="Domain"/> (and its
/// subdomains) to nft set <c>inet TABLE SET</c>, so ACLs can match on host names.</summary>
internal sealed record NftSetRule(string Domain, string Table, string Set);
