using System.Buffers;
using System.Net.Sockets;
using System.Net.WebSockets;

namespace Eve.Appliance.Controller.Ops.Vnc;

/// <summary>
/// Copies an RFB session between a browser's WebSocket (binary messages) and QEMU's VNC TCP
/// socket, both ways, until either side ends; then ends the other cleanly. RFB is a byte stream, so
/// message boundaries carry no meaning: each TCP read becomes one binary message.
/// WebSocket calls get no cancellation token on purpose: cancelling one aborts the WebSocket without
/// its close handshake. Sides are ended by shutting the TCP socket or by the close handshake instead.
/// </summary>
internal static class VncRelay
{
    private const int BufferSize = 64 * 1024;
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(5);

    public sealed record Totals(long ToApp, long FromApp);

    public static async Task<Totals> RunAsync(WebSocket ws, Socket vnc, CancellationToken ct)
    {
        var toApp = 0L;
        var fromApp = 0L;
        await using var stream = new NetworkStream(vnc, ownsSocket: false);
        // The client went away or the controller is stopping: no handshake, just end both.
        await using var abort = ct.Register(() =>
        {
            ws.Abort();
            ShutDown(vnc);
        });
        var up = Task.Run(async () =>
        {
            var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            try
            {
                while (true)
                {
                    var r = await ws.ReceiveAsync(buffer.AsMemory(), CancellationToken.None).ConfigureAwait(false);
                    if (r.MessageType == WebSocketMessageType.Close) return;
                    await stream.WriteAsync(buffer.AsMemory(0, r.Count), CancellationToken.None).ConfigureAwait(false);
                    toApp += r.Count;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }, CancellationToken.None);
        var down = Task.Run(async () =>
        {
            var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            try
            {
                while (true)
                {
                    var n = await stream.ReadAsync(buffer.AsMemory(), CancellationToken.None).ConfigureAwait(false);
                    if (n == 0) return;
                    await ws.SendAsync(buffer.AsMemory(0, n), WebSocketMessageType.Binary, true, CancellationToken.None).ConfigureAwait(false);
                    fromApp += n;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }, CancellationToken.None);

        if (await Task.WhenAny(up, down).ConfigureAwait(false) == up)
        {
            // The browser closed (or broke): end the VNC connection, then answer its close.
            ShutDown(vnc);
            await Quietly(down).ConfigureAwait(false);
            await CloseAsync(ws, WebSocketCloseStatus.NormalClosure, "").ConfigureAwait(false);
            await Quietly(up).ConfigureAwait(false);
        }
        else
        {
            // The app's VNC server closed: tell the browser why and wait briefly for its answer.
            await Quietly(down).ConfigureAwait(false);
            await CloseAsync(ws, WebSocketCloseStatus.EndpointUnavailable, "the app's VNC server closed the connection").ConfigureAwait(false);
            if (await Task.WhenAny(up, Task.Delay(CloseWait, CancellationToken.None)).ConfigureAwait(false) != up) ws.Abort();
            await Quietly(up).ConfigureAwait(false);
            ShutDown(vnc);
        }
        return new Totals(toApp, fromApp);
    }

    private static async Task CloseAsync(WebSocket ws, WebSocketCloseStatus status, string why)
    {
        if (ws.State is not (WebSocketState.Open or WebSocketState.CloseReceived)) return;
        try
        {
            using var limit = new CancellationTokenSource(CloseWait);
            await ws.CloseOutputAsync(status, why, limit.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
            // The browser is gone already.
        }
    }

    private static async Task Quietly(Task side)
    {
        try
        {
            await side.ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // One side went away: that is how a session ends.
        }
    }

    private static void ShutDown(Socket vnc)
    {
        try
        {
            vnc.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }
    }
}
