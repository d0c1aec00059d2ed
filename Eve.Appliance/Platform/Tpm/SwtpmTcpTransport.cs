using System.Net.Sockets;

namespace Eve.Appliance.Platform.Tpm;

/// <summary>swtpm's TCP data port ("swtpm socket --server type=tcp"): bare TPM command buffers in,
/// bare responses out, no MS-simulator framing. There is no resource manager behind it. After any
/// swtpm serves one connection at a time, so a second client waits until the first disconnects.
/// After any failure mid-command the connection is dropped, because the byte stream can no longer be trusted
/// to be at a command boundary; the next command reconnects.</summary>
internal sealed class SwtpmTcpTransport(string host, int port) : ITpmTransport
{
    private TcpClient? _client;
    private NetworkStream? _stream;

    public string Description => $"swtpm {host}:{port}";

    public async ValueTask<int> ExecuteAsync(ReadOnlyMemory<byte> command, Memory<byte> response, CancellationToken ct)
    {
        try
        {
            var stream = _stream ?? await ConnectAsync(ct).ConfigureAwait(false);
            await stream.WriteAsync(command, ct).ConfigureAwait(false);
            return await TpmStreamFraming.ReadResponseAsync(stream, response, Description, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or TpmProtocolException)
        {
            Close();
            if (e is SocketException or IOException)
                throw new TpmProtocolException($"{Description}: {e.Message} (is swtpm running?)", e);
            throw;
        }
    }

    private async ValueTask<NetworkStream> ConnectAsync(CancellationToken ct)
    {
        var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(host, port, ct).ConfigureAwait(false);
        }
        catch
        {
            client.Dispose();
            throw;
        }
        _client = client;
        _stream = client.GetStream();
        return _stream;
    }

    private void Close()
    {
        _stream?.Dispose();
        _client?.Dispose();
        _stream = null;
        _client = null;
    }

    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }
}
