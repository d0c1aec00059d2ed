namespace Eve.Appliance.Sim;

/// <summary>
/// Closed-loop load: <c>workers</c> loops (one per connection) each send the next device's prepared
/// config request the moment the previous answer is in, for a fixed time. Pre-signed bodies keep
/// the client's CPU for sending: a real device's request with an unchanged hash is the same bytes
/// anyway, as EVE's config request carries no nonce.
/// </summary>
internal static class PollLoad
{
    public static async Task<long> RunAsync(SimTransport transport, IReadOnlyList<PreparedRequest> requests, int workers,
        TimeSpan duration, CancellationToken ct)
    {
        long next = -1, sent = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(duration);
        var loops = Enumerable.Range(0, workers).Select(async _ =>
        {
            await Task.Yield();
            while (!stop.IsCancellationRequested)
            {
                var r = requests[(int)(Interlocked.Increment(ref next) % requests.Count)];
                try
                {
                    var answer = await transport.SendAsync("config", HttpMethod.Post, r.Path, r.Body, Expected304, stop.Token).ConfigureAwait(false);
                    Interlocked.Increment(ref sent);
                    if (answer is { Status: 200 } && r.OnChanged != null) await r.OnChanged(answer.Value.Body).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    // the phase ended while a request was in flight; it is not counted
                }
            }
        });
        await Task.WhenAll(loops).ConfigureAwait(false);
        return Interlocked.Read(ref sent);
    }

    private static readonly int[] Expected304 = [304, 200];
}

/// <summary>A request the poll load sends again and again; <see cref="OnChanged"/> runs on a 200
/// (the config changed) so the owner can update its hash and body.</summary>
internal sealed class PreparedRequest(string path, byte[] body, Func<byte[], Task>? onChanged = null)
{
    public string Path { get; } = path;
    public byte[] Body { get; set; } = body;
    public Func<byte[], Task>? OnChanged { get; } = onChanged;
}
