using System.Buffers;
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading.Channels;

namespace Eve.Appliance.Platform.Qemu;

/// <summary>QEMU Machine Protocol over a unix socket: line-delimited JSON. One reader task owns the
/// socket's receive side: it parses each line with <see cref="Utf8JsonReader"/> straight from a
/// pooled buffer, completes the command waiting for that reply id, and queues events into
/// <see cref="Events"/>, so a command never sees the events that arrive before its return.</summary>
internal sealed partial class QmpClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultCommandTimeout = TimeSpan.FromSeconds(10);
    private const int InitialBufferSize = 8 * 1024;
    // query-* answers are a few KiB; a bigger line means the peer is not QEMU.
    private const int MaxLineBytes = 8 * 1024 * 1024;

    private readonly Socket _socket;
    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<long, Pending> _pending = new();
    private readonly Channel<QmpEvent> _events = Channel.CreateBounded<QmpEvent>(
        new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest, SingleWriter = true });
    private readonly TaskCompletionSource _greeting = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<QmpException> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ArrayBufferWriter<byte> _writeBuffer = new(256);
    private readonly CancellationTokenSource _stop = new();
    private long _nextId;
    private Task _reader = Task.CompletedTask;

    private QmpClient(Socket socket, string path, TimeProvider time)
    {
        _socket = socket;
        _path = path;
        _time = time;
    }

    private sealed record Pending(string Command, TaskCompletionSource<JsonElement> Reply);

    /// <summary>Events in arrival order; completes when the connection closes. Bounded (oldest
    /// dropped) so an unread client cannot grow without limit.</summary>
    public ChannelReader<QmpEvent> Events => _events.Reader;

    /// <summary>Completes when the socket closes, with the reason (EOF when QEMU exits).</summary>
    public Task<QmpException> Closed => _closed.Task;

    public string SocketPath => _path;

    public TimeSpan CommandTimeout { get; init; } = DefaultCommandTimeout;

    /// <summary>Connects, reads the greeting and leaves capabilities negotiation mode.</summary>
    public static async Task<QmpClient> ConnectAsync(string socketPath, TimeSpan? timeout = null,
        TimeProvider? time = null, CancellationToken ct = default)
    {
        time ??= TimeProvider.System;
        var limit = timeout ?? DefaultCommandTimeout;
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new QmpException(QmpErrorKind.Closed,
                $"cannot connect to QMP socket {socketPath}: {e.Message} (is the VM running?)", inner: e);
        }
        var client = new QmpClient(socket, socketPath, time) { CommandTimeout = limit };
        client._reader = Task.Run(client.ReadLoopAsync, CancellationToken.None);
        try
        {
            await Task.WhenAny(client._greeting.Task, client._closed.Task).WaitAsync(limit, time, ct).ConfigureAwait(false);
            if (client._closed.Task.IsCompleted) throw await client._closed.Task.ConfigureAwait(false);
            await client.ExecuteAsync("qmp_capabilities", ct: ct).ConfigureAwait(false);
            return client;
        }
        catch (TimeoutException e)
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw new QmpException(QmpErrorKind.Timeout,
                $"QMP socket {socketPath} accepted the connection but sent no greeting within {limit.TotalSeconds:0.#} s; " +
                "another client may hold the monitor, or QEMU is hung", inner: e);
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs one command and returns its "return" value (detached from the buffer).
    /// <paramref name="arguments"/> writes the members of the "arguments" object.</summary>
    public async Task<JsonElement> ExecuteAsync(string command, Action<Utf8JsonWriter>? arguments = null,
        TimeSpan? timeout = null, CancellationToken ct = default)
    {
        if (_closed.Task.IsCompleted)
        {
            var why = await _closed.Task.ConfigureAwait(false);
            throw new QmpException(QmpErrorKind.Closed, $"QMP '{command}' on {_path}: connection is closed ({why.Message})", inner: why);
        }
        var id = Interlocked.Increment(ref _nextId);
        var pending = new Pending(command, new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously));
        _pending[id] = pending;
        var limit = timeout ?? CommandTimeout;
        try
        {
            await SendAsync(command, arguments, id, ct).ConfigureAwait(false);
            return await pending.Reply.Task.WaitAsync(limit, _time, ct).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new QmpException(QmpErrorKind.Timeout,
                $"QEMU did not answer '{command}' on {_path} within {limit.TotalSeconds:0.#} s; the VM may be hung", inner: e);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            throw new QmpException(QmpErrorKind.Closed, $"QMP '{command}' on {_path}: send failed ({e.Message}); QEMU has exited or the client was disposed", inner: e);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private async Task SendAsync(string command, Action<Utf8JsonWriter>? arguments, long id, CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            _writeBuffer.ResetWrittenCount();
            using (var w = new Utf8JsonWriter(_writeBuffer))
            {
                w.WriteStartObject();
                w.WriteString("execute"u8, command);
                if (arguments is not null)
                {
                    w.WriteStartObject("arguments"u8);
                    arguments(w);
                    w.WriteEndObject();
                }
                w.WriteNumber("id"u8, id);
                w.WriteEndObject();
            }
            _writeBuffer.Write("\n"u8);
            var data = _writeBuffer.WrittenMemory;
            while (data.Length > 0)
            {
                var n = await _socket.SendAsync(data, SocketFlags.None, ct).ConfigureAwait(false);
                data = data[n..];
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await _stop.CancelAsync().ConfigureAwait(false);
        try { _socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { } catch (ObjectDisposedException) { }
        _socket.Dispose();
        try { await _reader.ConfigureAwait(false); } catch (OperationCanceledException) { }
        Close(new QmpException(QmpErrorKind.Closed, $"QMP connection to {_path} was disposed"));
        _writeLock.Dispose();
        _stop.Dispose();
    }
}
