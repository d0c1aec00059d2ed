namespace Eve.Appliance.Agent.Connectivity;

/// <summary>One proxy server: protocol (<c>http</c>, <c>https</c>, <c>socks</c>, <c>ftp</c>), host, port. As in
/// EVE, <see cref="Server"/> may be a URL's authority with credentials (<c>user:password@proxy</c>, optionally
/// with a scheme in front); <see cref="Host"/> and <see cref="Credentials"/> take it apart.</summary>
internal sealed record DpcProxyServer(string Protocol, string Server, uint Port)
{
    /// <summary>The host without scheme or credentials.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Host => Split().Host;

    /// <summary>User and password (percent-decoded), or null when the server carries none.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public System.Net.NetworkCredential? Credentials => Split().Credentials;

    /// <summary>For diagnostics: <c>alice:***@10.1.2.1:3128</c> — the password never shows.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Display => Credentials is { } c ? $"{c.UserName}:***@{Host}:{Port}" : $"{Host}:{Port}";

    private (string Host, System.Net.NetworkCredential? Credentials) Split()
    {
        var s = Server;
        var scheme = s.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0) s = s[(scheme + 3)..];
        s = s.TrimEnd('/');
        var at = s.LastIndexOf('@');
        if (at < 0) return (s, null);
        var userInfo = s[..at];
        var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
        var user = Uri.UnescapeDataString(colon < 0 ? userInfo : userInfo[..colon]);
        var password = colon < 0 ? "" : Uri.UnescapeDataString(userInfo[(colon + 1)..]);
        return (s[(at + 1)..], new System.Net.NetworkCredential(user, password));
    }
}
