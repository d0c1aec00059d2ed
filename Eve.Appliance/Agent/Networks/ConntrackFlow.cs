using System.Globalization;

namespace Eve.Appliance.Agent.Networks;

/// <summary>One line of <c>conntrack -L -o id,extended</c>: the original and reply tuples with their
/// counters (counted when <c>net.netfilter.nf_conntrack_acct</c> is on), the TCP state, the ct mark our
/// ACL rules set to the accepting ACE's id, and the kernel's id of the entry.</summary>
internal sealed record ConntrackFlow(
    uint Id,
    int Protocol,
    string? State,
    string Src,
    string Dst,
    int SrcPort,
    int DstPort,
    long OrigPackets,
    long OrigBytes,
    string ReplySrc,
    long ReplyPackets,
    long ReplyBytes,
    int Mark)
{
    /// <summary>TCP connections that are over but linger in conntrack (TIME_WAIT lasts 2 minutes).</summary>
    public bool IsClosed => State is "TIME_WAIT" or "CLOSE" or "LAST_ACK" or "CLOSE_WAIT" or "FIN_WAIT";

    /// <summary>Null for lines that are not IPv4 flow entries (the summary line conntrack prints, IPv6).</summary>
    public static ConntrackFlow? Parse(string line)
    {
        var t = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (t.Length < 6 || t[0] != "ipv4" || !int.TryParse(t[3], NumberStyles.None, CultureInfo.InvariantCulture, out var proto)) return null;
        string? state = t.Length > 5 && t[5].All(c => char.IsAsciiLetterUpper(c) || c == '_') ? t[5] : null;
        // Keys appear once per tuple (original first, then reply); "id=" also ends the line as the entry id.
        var orig = new Dictionary<string, string>();
        var reply = new Dictionary<string, string>();
        string? entryId = null, mark = null;
        var afterUse = false;
        foreach (var token in t.Skip(5))
        {
            var eq = token.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) continue;
            var (key, value) = (token[..eq], token[(eq + 1)..]);
            if (key == "use") afterUse = true;
            else if (key == "mark") mark = value;
            else if (key == "id" && afterUse) entryId = value;
            else if (!afterUse)
            {
                if (!orig.TryAdd(key, value)) reply.TryAdd(key, value);
            }
        }
        if (!orig.TryGetValue("src", out var src) || !orig.TryGetValue("dst", out var dst) || !reply.TryGetValue("src", out var replySrc)) return null;
        return new ConntrackFlow(
            entryId is null ? 0 : uint.Parse(entryId, CultureInfo.InvariantCulture), proto, state, src, dst,
            Int(orig, "sport"), Int(orig, "dport"), Long(orig, "packets"), Long(orig, "bytes"),
            replySrc, Long(reply, "packets"), Long(reply, "bytes"),
            mark is null ? 0 : (int)uint.Parse(mark, CultureInfo.InvariantCulture));
    }

    private static int Int(Dictionary<string, string> d, string k) =>
        d.TryGetValue(k, out var v) && int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;

    private static long Long(Dictionary<string, string> d, string k) =>
        d.TryGetValue(k, out var v) && long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
}
