using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Eve.Appliance.Controller.Ops;

/// <summary>
/// One-use, short-lived tickets for the two requests a browser cannot put an Authorization header
/// on: the VNC WebSocket and an EventSource. An authenticated POST gets a ticket bound to one GET
/// path; that GET carries it as <c>?ticket=</c>. Why not the bearer token itself in the URL or in
/// Sec-WebSocket-Protocol: the token lives for hours, and URLs and handshake headers end up in proxy
/// and browser logs; a ticket is worth nothing after its one use or after <see cref="Lifetime"/>.
/// Kept in memory only: a restart voids them, which costs a page reload.
/// </summary>
internal sealed class OpsTickets(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, (OperatorIdentity Who, string Path, DateTimeOffset Expires)> _tickets = new(StringComparer.Ordinal);

    public string Issue(OperatorIdentity who, string path)
    {
        var now = time.GetUtcNow();
        foreach (var (key, t) in _tickets)
            if (t.Expires <= now) _tickets.TryRemove(key, out _);
        var ticket = "evt_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
        _tickets[ticket] = (who with { Via = $"ticket ({who.Via})" }, path, now + Lifetime);
        return ticket;
    }

    /// <summary>The identity the ticket was issued to, when it is known, unexpired and for this path;
    /// it is spent either way, so a guess or a replay never gets a second try with the same value.</summary>
    public OperatorIdentity? Redeem(string ticket, string path, out string failure)
    {
        failure = "";
        if (!_tickets.TryRemove(ticket, out var t)) { failure = "the ticket is unknown or already used (tickets are one-use)"; return null; }
        if (t.Expires <= time.GetUtcNow()) { failure = "the ticket has expired (tickets live 60 s)"; return null; }
        if (!string.Equals(t.Path, path, StringComparison.Ordinal)) { failure = $"the ticket is for {t.Path}, not {path}"; return null; }
        return t.Who;
    }
}
