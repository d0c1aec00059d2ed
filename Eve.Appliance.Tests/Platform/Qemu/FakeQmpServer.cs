using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Eve.Appliance.Tests.Platform.Qemu;

/// <summary>A wire-level QMP fake on a real unix socket, to inject what a live QEMU will not do on
/// demand: replies out of order, events before a return, silence, a closed socket.</summary>
internal sealed class FakeQmpServer : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly Func<JsonElement, Func<string, Task>, Task> _onCommand;
    private readonly bool _greet;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private Socket? _client;

    public FakeQmpServer(string path, Func<JsonElement, Func<string, Task>, Task> onCommand, bool greet = true)
    {
        Path = path;
        _onCommand = onCommand;
        _greet = greet;
        _listener.Bind(new UnixDomainSocketEndPoint(path));
        _listener.Listen(1);
        _loop = Task.Run(ServeAsync);
    }

    public string Path { get; }

    public List<string> Received { get; } = [];

    public void CloseClient() => _client?.Close();

    private async Task ServeAsync()
    {
        try
        {
            _client = await _listener.AcceptAsync(_stop.Token);
            var client = _client;
            Func<string, Task> send = line => client.SendAsync(Encoding.UTF8.GetBytes(line + "\n"), SocketFlags.None);
            if (_greet) await send("""{"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}}, "capabilities": ["oob"]}}""");
            using var reader = new StreamReader(new NetworkStream(_client, ownsSocket: false));
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                lock (Received) Received.Add(line);
                using var doc = JsonDocument.Parse(line);
                await _onCommand(doc.RootElement.Clone(), send);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
        }
    }

    /// <summary>The usual reply: {"return": value, "id": same id}.</summary>
    public static string Return(JsonElement cmd, string value = "{}") => $$"""{"return": {{value}}, "id": {{cmd.GetProperty("id").GetInt64()}}}""";

    public static string Event(string name, string data = "{}") =>
        $$"""{"timestamp": {"seconds": 1700000000, "microseconds": 250000}, "event": "{{name}}", "data": {{data}}}""";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _client?.Dispose();
        _listener.Dispose();
        try { await _loop; } catch (OperationCanceledException) { }
        File.Delete(Path);
        _stop.Dispose();
    }
}
