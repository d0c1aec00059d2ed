using System.Buffers;
using System.Net.Sockets;
using System.Net.WebSockets;

namespace Eve.Appliance.Controller.Ops.Vnc;

/// <summary>
/// Copies an RFB session between a browser's WebSocket (binary messages) and QEMU's VNC TCP
/// socket, both ways, until either side ends; then closes the other. RFB is a byte stream, so
/// message boundaries carry no meaning: each TCP read becomes one binary message.
/// </summary>
internal static class VncRelay
{
    private const int BufferSize = 64 * 1024;

    public sealed record Totals(long ToApp, long FromApp);

    public static async Task<Totals> RunAsync(WebSocket ws, Socket vnc, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var toApp = 0L;
        var fromApp = 0L;
        await using var stream = new NetworkStream(vnc, ownsSocket: false);
        var up = Task.Run(async () =>
        {
            var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    var r = await ws.ReceiveAsync(buffer.AsMemory(), stop.Token).ConfigureAwait(false);
                    if (r.MessageType == WebSocketMessageType.Close) break;
                    await stream.WriteAsync(buffer.AsMemory(0, r.Count), stop.Token).ConfigureAwait(false);
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
                while (!stop.IsCancellationRequested)
                {
                    var n = await stream.ReadAsync(buffer.AsMemory(), stop.Token).ConfigureAwait(false);
                    if (n == 0) break;
                    await ws.SendAsync(buffer.AsMemory(0, n), WebSocketMessageType.Binary, true, stop.Token).ConfigureAwait(false);
                    fromApp += n;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }, CancellationToken.None);
        var first = await Task.WhenAny(up, down).ConfigureAwait(false);
        var appEnded = first == down;
        await stop.CancelAsync().ConfigureAwait(false);
        try { await Task.WhenAll(up, down).ConfigureAwait(false); }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException or SocketException) { /* one side went away: that is the end */ }
        if (ws.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            try
            {
                using var closing = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await ws.CloseOutputAsync(appEnded ? WebSocketCloseStatus.EndpointUnavailable : WebSocketCloseStatus.NormalClosure,
                    appEnded ? "the app's VNC server closed the connection" : "", closing.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException) { /* the browser is gone */ }
        }
        return new Totals(toApp, fromApp);
    }
}
