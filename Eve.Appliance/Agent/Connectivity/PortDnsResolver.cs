using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Eve.Appliance.Agent.Connectivity;

/// <summary>Resolves names the way EVE does per management port: asks that port's own DNS servers (from
/// its DHCP lease or static config) over a UDP socket bound to the port inside the device namespace —
/// the host's resolver and <c>/etc/resolv.conf</c> know nothing of the device's networks. Only what a
/// controller URL needs: A and AAAA records of one name, one question per packet.</summary>
internal static class PortDnsResolver
{
    private const ushort TypeA = 1;
    private const ushort TypeAaaa = 28;

    /// <summary>The addresses of <paramref name="host"/> (an IP literal is returned as is). Throws
    /// <see cref="SocketException"/>-free <see cref="IOException"/>s that say which server failed how.</summary>
    public static async Task<IReadOnlyList<IPAddress>> ResolveAsync(string netns, string ifName, IReadOnlyList<string> servers,
        string host, TimeSpan timeout, CancellationToken ct)
    {
        if (IPAddress.TryParse(host, out var literal)) return [literal];
        if (servers.Count == 0) throw new IOException($"{ifName}: no DNS server (none in the DHCP lease or the static config) to resolve {host}");
        var errors = new List<string>();
        foreach (var server in servers)
        {
            if (!IPAddress.TryParse(server, out var addr)) { errors.Add($"{server}: not an IP address"); continue; }
            try
            {
                // Each family on its own: a server may refuse the A question of an IPv6-only name (dnsmasq
                // without upstream does) and still answer AAAA — and the other way round.
                IReadOnlyList<IPAddress> v4 = [];
                Exception? v4Error = null;
                try
                {
                    v4 = await QueryAsync(netns, ifName, addr, host, TypeA, timeout, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is SocketException or IOException)
                {
                    v4Error = e;
                }
                var v6 = await QueryAsync(netns, ifName, addr, host, TypeAaaa, timeout, ct).ConfigureAwait(false);
                if (v4Error != null && v6.Count == 0) throw v4Error;
                var all = v4.Concat(v6).ToList();
                if (all.Count > 0) return all;
                errors.Add($"{server}: no A/AAAA record for {host}");
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                errors.Add($"{server}: no answer within {timeout.TotalSeconds:0.#} s");
            }
            catch (Exception e) when (e is SocketException or IOException)
            {
                errors.Add($"{server}: {e.Message}");
            }
        }
        throw new IOException($"{ifName}: DNS failed for {host} ({string.Join("; ", errors)})");
    }

    /// <summary>True when <paramref name="server"/> answers at all (any RCODE) through the port.</summary>
    public static async Task<string?> ProbeAsync(string netns, string ifName, string server, TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            await QueryAsync(netns, ifName, IPAddress.Parse(server), "localhost", TypeA, timeout, ct).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"DNS server {server} did not answer within {timeout.TotalSeconds:0.#} s";
        }
        catch (Exception e) when (e is SocketException or IOException or FormatException)
        {
            return $"DNS server {server}: {e.Message}";
        }
    }

    private static async Task<List<IPAddress>> QueryAsync(string netns, string ifName, IPAddress server, string host, ushort type,
        TimeSpan timeout, CancellationToken ct)
    {
        using var socket = NetnsSockets.CreateOnPort(netns, ifName, server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        var id = (ushort)Random.Shared.Next(ushort.MaxValue);
        var query = BuildQuery(id, host, type);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        await socket.ConnectAsync(new IPEndPoint(server, 53), cts.Token).ConfigureAwait(false);
        await socket.SendAsync(query, SocketFlags.None, cts.Token).ConfigureAwait(false);
        var buffer = new byte[1500];
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token).ConfigureAwait(false);
            if (n >= 12 && BinaryPrimitives.ReadUInt16BigEndian(buffer) == id) return ParseAnswers(buffer.AsSpan(0, n), type);
        }
    }

    private static byte[] BuildQuery(ushort id, string host, ushort type)
    {
        var q = new List<byte>(64);
        q.AddRange([(byte)(id >> 8), (byte)id, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]); // RD, one question
        foreach (var label in host.TrimEnd('.').Split('.'))
        {
            var bytes = Encoding.ASCII.GetBytes(label);
            if (bytes.Length is 0 or > 63) throw new IOException($"'{host}' is not a valid DNS name");
            q.Add((byte)bytes.Length);
            q.AddRange(bytes);
        }
        q.AddRange([0, (byte)(type >> 8), (byte)type, 0, 1]);
        return [.. q];
    }

    private static List<IPAddress> ParseAnswers(ReadOnlySpan<byte> m, ushort type)
    {
        var rcode = m[3] & 0x0F;
        if (rcode is not (0 or 3)) throw new IOException($"DNS server answered RCODE {rcode}");
        int qd = BinaryPrimitives.ReadUInt16BigEndian(m[4..]), an = BinaryPrimitives.ReadUInt16BigEndian(m[6..]);
        var pos = 12;
        for (var i = 0; i < qd; i++) pos = SkipName(m, pos) + 4;
        var result = new List<IPAddress>();
        for (var i = 0; i < an; i++)
        {
            pos = SkipName(m, pos);
            var rtype = BinaryPrimitives.ReadUInt16BigEndian(m[pos..]);
            var len = BinaryPrimitives.ReadUInt16BigEndian(m[(pos + 8)..]);
            pos += 10;
            if (rtype == type && len == (type == TypeA ? 4 : 16)) result.Add(new IPAddress(m.Slice(pos, len)));
            pos += len;
        }
        return result;
    }

    private static int SkipName(ReadOnlySpan<byte> m, int pos)
    {
        while (true)
        {
            var len = m[pos];
            if (len == 0) return pos + 1;
            if ((len & 0xC0) == 0xC0) return pos + 2;
            pos += len + 1;
        }
    }
}
