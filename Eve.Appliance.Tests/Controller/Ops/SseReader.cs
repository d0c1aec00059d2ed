namespace Eve.Appliance.Tests.Controller.Ops;

/// <summary>Reads a text/event-stream body block by block, as a browser's EventSource would parse it.</summary>
internal sealed class SseReader(Stream body) : IDisposable
{
    private readonly StreamReader _reader = new(body);

    /// <summary>One block: an event (Id/Event/Data), a retry hint, or a comment-only block (a heartbeat).</summary>
    internal sealed record Block(string? Id, string? Event, string? Data, string? Comment, string? Retry);

    public async Task<Block> NextAsync(double seconds = 60)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        string? id = null, ev = null, data = null, comment = null, retry = null;
        while (true)
        {
            var line = await _reader.ReadLineAsync(cts.Token) ?? throw new EndOfStreamException("the event stream ended");
            if (line.Length == 0)
            {
                if (id == null && ev == null && data == null && comment == null && retry == null) continue;
                return new Block(id, ev, data, comment, retry);
            }
            if (line.StartsWith(':')) { comment = line[1..].Trim(); continue; }
            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "id": id = value; break;
                case "event": ev = value; break;
                case "data": data = data == null ? value : data + "\n" + value; break;
                case "retry": retry = value; break;
            }
        }
    }

    /// <summary>The next event (skipping heartbeats and retry hints).</summary>
    public async Task<Block> NextEventAsync(double seconds = 60)
    {
        while (true)
        {
            var b = await NextAsync(seconds);
            if (b.Data != null) return b;
        }
    }

    public void Dispose() => _reader.Dispose();
}
