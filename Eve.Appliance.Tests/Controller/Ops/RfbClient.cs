using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;

namespace Eve.Appliance.Tests.Controller.Ops;

/// <summary>Just enough of an RFB 3.8 client (RFC 6143) over a WebSocket to see that a relay carries
/// a real VNC server: version, security "None", init, and one framebuffer update.</summary>
internal sealed class RfbClient(WebSocket ws)
{
    private readonly List<byte> _pending = [];

    public sealed record ServerInit(int Width, int Height, string Name);

    public async Task<string> VersionAsync()
    {
        var version = Encoding.ASCII.GetString(await ReadAsync(12));
        await SendAsync(Encoding.ASCII.GetBytes("RFB 003.008\n"));
        return version;
    }

    /// <summary>Security type None, then ClientInit (shared) and the server's init.</summary>
    public async Task<ServerInit> InitAsync()
    {
        var count = (await ReadAsync(1))[0];
        if (count == 0) throw new InvalidOperationException("the VNC server refused the session");
        var types = await ReadAsync(count);
        if (!types.Contains((byte)1)) throw new InvalidOperationException($"the VNC server wants authentication: types {string.Join(",", types)}");
        await SendAsync([1]);
        var result = BinaryPrimitives.ReadUInt32BigEndian(await ReadAsync(4));
        if (result != 0) throw new InvalidOperationException($"security result {result}");
        await SendAsync([1]);
        var head = await ReadAsync(24);
        var nameLength = (int)BinaryPrimitives.ReadUInt32BigEndian(head.AsSpan(20));
        var name = Encoding.UTF8.GetString(await ReadAsync(nameLength));
        return new ServerInit(BinaryPrimitives.ReadUInt16BigEndian(head), BinaryPrimitives.ReadUInt16BigEndian(head.AsSpan(2)), name);
    }

    /// <summary>Asks for the whole screen and returns the type of the server's next message (0 = FramebufferUpdate)
    /// and, for an update, its rectangle count.</summary>
    public async Task<(byte Type, int Rectangles)> RequestUpdateAsync(int width, int height)
    {
        var req = new byte[10];
        req[0] = 3;
        BinaryPrimitives.WriteUInt16BigEndian(req.AsSpan(6), (ushort)width);
        BinaryPrimitives.WriteUInt16BigEndian(req.AsSpan(8), (ushort)height);
        await SendAsync(req);
        var head = await ReadAsync(4);
        return (head[0], head[0] == 0 ? BinaryPrimitives.ReadUInt16BigEndian(head.AsSpan(2)) : 0);
    }

    private Task SendAsync(byte[] bytes) => ws.SendAsync(bytes, WebSocketMessageType.Binary, true, CancellationToken.None);

    private async Task<byte[]> ReadAsync(int n)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var buffer = new byte[64 * 1024];
        while (_pending.Count < n)
        {
            var r = await ws.ReceiveAsync(buffer, cts.Token);
            if (r.MessageType == WebSocketMessageType.Close) throw new EndOfStreamException($"the relay closed: {ws.CloseStatus} {ws.CloseStatusDescription}");
            _pending.AddRange(buffer.AsSpan(0, r.Count).ToArray());
        }
        var head = _pending.GetRange(0, n).ToArray();
        _pending.RemoveRange(0, n);
        return head;
    }
}
