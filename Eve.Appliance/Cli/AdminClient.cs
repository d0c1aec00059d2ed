using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Eve.Appliance.Controller;

namespace Eve.Appliance.Cli;

/// <summary>
/// The operator CLI's way to the running controller: HTTP over DATA/run/admin.sock. Refusals come
/// back as the controller's own words.
/// </summary>
internal sealed partial class AdminClient : IDisposable
{
    private readonly HttpClient _http;

    public AdminClient(string dataDir)
    {
        var socket = ControllerServer.AdminSocketPath(dataDir);
        if (!File.Exists(socket))
            throw new ControllerNotRunningException($"no controller is running on {dataDir} (no {socket}); start it with `eve-appliance run --data-dir {dataDir}` or `eve-appliance controller --data-dir {dataDir}`");
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await s.ConnectAsync(new UnixDomainSocketEndPoint(socket), ct).ConfigureAwait(false);
                }
                catch (SocketException e)
                {
                    s.Dispose();
                    throw new ControllerNotRunningException($"the controller on {dataDir} does not answer on {socket} ({e.Message}); is it running?");
                }
                return new NetworkStream(s, ownsSocket: true);
            },
        };
        _http = new HttpClient(handler) { BaseAddress = new Uri("http://controller/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public Task<JsonNode?> GetAsync(string path) => SendAsync(HttpMethod.Get, path, null);

    /// <summary>A text answer as is (the Prometheus /metrics page).</summary>
    public async Task<string> GetTextAsync(string path)
    {
        using var response = await _http.GetAsync(path).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync().ConfigureAwait(false);
    }

    public Task<JsonNode?> PostAsync(string path, object body) => SendAsync(HttpMethod.Post, path, JsonContent.Create(body, options: Json));

    public Task<JsonNode?> PutTextAsync(string path, string body) => SendAsync(HttpMethod.Put, path, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

    public Task<JsonNode?> PostTextAsync(string path, string body) => SendAsync(HttpMethod.Post, path, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

    public Task<JsonNode?> PostStreamAsync(string path, Stream body) => SendAsync(HttpMethod.Post, path, new StreamContent(body));

    public Task<JsonNode?> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path, null);

    private async Task<JsonNode?> SendAsync(HttpMethod method, string path, HttpContent? content)
    {
        using var req = new HttpRequestMessage(method, path) { Content = content };
        HttpResponseMessage resp;
        try
        {
            resp = await _http.SendAsync(req).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.InnerException is ControllerNotRunningException inner)
        {
            throw inner;
        }
        catch (Exception e) when (Remote != null && e is HttpRequestException or TaskCanceledException)
        {
            throw Unreachable(e);
        }
        using (resp)
        {
            var text = await resp.Content.ReadAsStringAsync().ConfigureAwait(false);
            if (!resp.IsSuccessStatusCode) throw Refused(resp, text);
            return text.Length == 0 ? null : JsonNode.Parse(text);
        }
    }

    public void Dispose() => _http.Dispose();
}

internal sealed class ControllerNotRunningException(string message) : Exception(message);

internal sealed class AdminRefusedException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
