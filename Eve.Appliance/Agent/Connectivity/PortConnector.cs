using System.Net;
using System.Net.Sockets;

namespace Eve.Appliance.Agent.Connectivity;

/// <summary>Opens a TCP connection through one management port: names resolved with the port's own DNS
/// servers, the socket created in the device namespace and bound to the port. Keep-alive and
/// <c>TCP_USER_TIMEOUT</c> make a connection over a port that died mid-run fail within about
/// <c>timeout</c> instead of hanging until the request times out — that is what lets traffic move on.</summary>
internal static class PortConnector
{
    private const int IpProtoTcp = 6;
    private const int TcpUserTimeout = 18;

    public static async Task<Socket> ConnectAsync(string netns, string ifName, IReadOnlyList<string> dnsServers,
        string host, int port, TimeSpan timeout, CancellationToken ct)
    {
        var addresses = await PortDnsResolver.ResolveAsync(netns, ifName, dnsServers, host, timeout, ct).ConfigureAwait(false);
        var errors = new List<string>();
        foreach (var address in addresses.OrderBy(a => a.AddressFamily == AddressFamily.InterNetworkV6))
        {
            var socket = NetnsSockets.CreateOnPort(netns, ifName, address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.NoDelay = true;
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
                var seconds = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds / 3));
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, seconds);
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, seconds);
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 3);
                socket.SetRawSocketOption(IpProtoTcp, TcpUserTimeout, BitConverter.GetBytes((int)timeout.TotalMilliseconds));
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                cts.CancelAfter(timeout);
                await socket.ConnectAsync(new IPEndPoint(address, port), cts.Token).ConfigureAwait(false);
                return socket;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                socket.Dispose();
                errors.Add($"{address}:{port} did not answer within {timeout.TotalSeconds:0.#} s (timer.port.timeout)");
            }
            catch (SocketException e)
            {
                socket.Dispose();
                errors.Add($"{address}:{port}: {Describe(e)}");
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw new IOException($"{ifName}: cannot connect to {host}:{port} ({string.Join("; ", errors)})");
    }

    private static string Describe(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused (nothing listens there, or a firewall rejects it)",
        SocketError.NetworkUnreachable => "network unreachable (no route through this port: no address or gateway)",
        SocketError.HostUnreachable => "host unreachable (the gateway does not know the way)",
        SocketError.TimedOut => "timed out",
        _ => e.Message,
    };
}
