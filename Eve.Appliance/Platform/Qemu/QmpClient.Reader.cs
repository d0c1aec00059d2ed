using System.Buffers;
using System.Net.Sockets;
using System.Text.Json;

namespace Eve.Appliance.Platform.Qemu;

internal sealed partial class QmpClient
{
    private async Task ReadLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
        var filled = 0;
        QmpException reason;
        try
        {
            while (true)
            {
                if (filled == buffer.Length)
                {
                    if (buffer.Length >= MaxLineBytes)
                        throw new QmpException(QmpErrorKind.Protocol, $"QMP socket {_path}: a line longer than {MaxLineBytes} bytes; the peer is not QEMU");
                    var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var n = await _socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, _stop.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    reason = new QmpException(QmpErrorKind.Closed, $"QMP socket {_path} closed by QEMU (the VM exited or was killed)");
                    break;
                }
                var start = 0;
                var end = filled + n;
                int newline;
                while ((newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n')) >= 0)
                {
                    var line = buffer.AsSpan(start, newline);
                    if (!line.IsEmpty && line[^1] == (byte)'\r') line = line[..^1];
                    if (!line.Trim((byte)' ').IsEmpty) Dispatch(line);
                    start += newline + 1;
                }
                buffer.AsSpan(start, end - start).CopyTo(buffer);
                filled = end - start;
            }
        }
        catch (OperationCanceledException)
        {
            reason = new QmpException(QmpErrorKind.Closed, $"QMP connection to {_path} was closed by us");
        }
        catch (ObjectDisposedException)
        {
            reason = new QmpException(QmpErrorKind.Closed, $"QMP connection to {_path} was closed by us");
        }
        catch (SocketException e)
        {
            reason = new QmpException(QmpErrorKind.Closed, $"QMP socket {_path} broke: {e.Message} (the VM exited or was killed)", inner: e);
        }
        catch (JsonException e)
        {
            reason = new QmpException(QmpErrorKind.Protocol, $"QMP socket {_path} sent invalid JSON: {e.Message}", inner: e);
        }
        catch (QmpException e)
        {
            reason = e;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        Close(reason);
    }

    private void Close(QmpException reason)
    {
        if (!_closed.TrySetResult(reason)) return;
        _greeting.TrySetResult();
        foreach (var (id, p) in _pending)
        {
            if (_pending.TryRemove(id, out _))
                p.Reply.TrySetException(new QmpException(QmpErrorKind.Closed,
                    $"QMP '{p.Command}' on {_path}: {reason.Message}", inner: reason));
        }
        _events.Writer.TryComplete();
    }

    private void Dispatch(ReadOnlySpan<byte> line)
    {
        var r = new Utf8JsonReader(line);
        if (!r.Read() || r.TokenType != JsonTokenType.StartObject)
            throw new QmpException(QmpErrorKind.Protocol, $"QMP socket {_path} sent a line that is not a JSON object");
        long? id = null;
        string? eventName = null;
        JsonElement? ret = null, error = null, data = null;
        var timestamp = DateTimeOffset.MinValue;
        var greeting = false;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            if (r.ValueTextEquals("return"u8)) { r.Read(); ret = JsonElement.ParseValue(ref r); }
            else if (r.ValueTextEquals("id"u8))
            {
                r.Read();
                if (r.TokenType == JsonTokenType.Number && r.TryGetInt64(out var v)) id = v;
                else r.Skip();
            }
            else if (r.ValueTextEquals("event"u8)) { r.Read(); eventName = r.GetString(); }
            else if (r.ValueTextEquals("data"u8)) { r.Read(); data = JsonElement.ParseValue(ref r); }
            else if (r.ValueTextEquals("error"u8)) { r.Read(); error = JsonElement.ParseValue(ref r); }
            else if (r.ValueTextEquals("timestamp"u8)) { r.Read(); timestamp = ReadTimestamp(ref r); }
            else
            {
                greeting |= r.ValueTextEquals("QMP"u8);
                r.Read();
                r.Skip();
            }
        }
        if (greeting)
        {
            _greeting.TrySetResult();
        }
        else if (eventName is not null)
        {
            _events.Writer.TryWrite(new QmpEvent(eventName, data, timestamp));
        }
        else if (id is { } replyId && _pending.TryRemove(replyId, out var pending))
        {
            if (error is { } e)
            {
                var cls = e.TryGetProperty("class", out var c) ? c.GetString() : null;
                var desc = e.TryGetProperty("desc", out var d) ? d.GetString() : e.GetRawText();
                pending.Reply.TrySetException(new QmpException(QmpErrorKind.CommandFailed,
                    $"QMP '{pending.Command}' on {_path} failed: {desc} ({cls})", cls));
            }
            else
            {
                pending.Reply.TrySetResult(ret ?? default);
            }
        }
        // A reply for a command that already timed out is dropped: nobody waits for it any more.
    }

    private static DateTimeOffset ReadTimestamp(ref Utf8JsonReader r)
    {
        long seconds = 0, micros = 0;
        if (r.TokenType != JsonTokenType.StartObject) { r.Skip(); return DateTimeOffset.MinValue; }
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            var isSeconds = r.ValueTextEquals("seconds"u8);
            var isMicros = r.ValueTextEquals("microseconds"u8);
            r.Read();
            if (r.TokenType == JsonTokenType.Number)
            {
                if (isSeconds) seconds = r.GetInt64();
                else if (isMicros) micros = r.GetInt64();
            }
            else
            {
                r.Skip();
            }
        }
        return DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(micros * 10);
    }
}
