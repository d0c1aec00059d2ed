using Eve.Appliance.Platform.Tpm;

namespace Eve.Appliance.Tests.Platform.Tpm;

/// <summary>A wire-level fake: records the command bytes and answers with a canned response,
/// to pin down exact encodings and the client's handling of malformed responses.</summary>
internal sealed class RecordingTransport(params byte[][] responses) : ITpmTransport
{
    private int _next;

    public List<byte[]> Commands { get; } = [];
    public string Description => "recording";

    public ValueTask<int> ExecuteAsync(ReadOnlyMemory<byte> command, Memory<byte> response, CancellationToken ct)
    {
        Commands.Add(command.ToArray());
        var r = responses[_next++];
        r.CopyTo(response);
        return ValueTask.FromResult(r.Length);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
