using System.Net;
using System.Net.Sockets;
using Eve.Appliance.Agent.Connectivity;

namespace Eve.Appliance.Tests.Agent.Connectivity;

/// <summary>Puts an in-process controller (on host loopback) "into" a namespace: a listener created
/// inside <c>netns</c> whose connections are piped to the controller. From the device namespace the
/// controller is then reachable only through the upstream namespace's routes.</summary>
internal sealed class NetnsRelay : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private NetnsRelay(Socket listener, IPEndPoint target)
    {
        _listener = listener;
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket client;
                try { client = await _listener.AcceptAsync(_stop.Token); }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
                _ = PipeAsync(client, target);
            }
        });
    }

    public static NetnsRelay Start(string netns, IPEndPoint listen, IPEndPoint target)
    {
        var l = NetnsSockets.Create(netns, listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        l.Bind(listen);
        l.Listen(64);
        return new NetnsRelay(l, target);
    }

    private async Task PipeAsync(Socket client, IPEndPoint target)
    {
        using var c = client;
        using var up = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await up.ConnectAsync(target, _stop.Token);
            await using var a = new NetworkStream(c);
            await using var b = new NetworkStream(up);
            await Task.WhenAny(a.CopyToAsync(b, _stop.Token), b.CopyToAsync(a, _stop.Token));
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            // A connection of the test ended; the other end sees it closed.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _loop;
        _stop.Dispose();
    }
}
