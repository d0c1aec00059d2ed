using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Eve.Appliance.Controller;

namespace Eve.Appliance.Tests.Controller.Ops;

/// <summary>A raw client of the operator API, over the admin unix socket or the TLS listener, so
/// tests see the exact status and JSON an operator's tool would.</summary>
internal sealed class OpsHttp : IDisposable
{
    private readonly HttpClient _http;

    private OpsHttp(HttpClient http) => _http = http;

    public static OpsHttp Socket(string dataDir, string? token = null)
    {
        var socket = ControllerServer.AdminSocketPath(dataDir);
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await s.ConnectAsync(new UnixDomainSocketEndPoint(socket), ct);
                return new NetworkStream(s, ownsSocket: true);
            },
        };
        return new OpsHttp(Authorized(new HttpClient(handler) { BaseAddress = new Uri("http://controller/") }, token));
    }

    public static OpsHttp Tls(int port, string? token = null, X509Certificate2? clientCert = null)
    {
        var handler = new SocketsHttpHandler();
        // The listener uses the controller's server cert (made for "localhost"); the tests check
        // operator authentication, not the server's name.
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        if (clientCert != null) handler.SslOptions.ClientCertificates = [clientCert];
        return new OpsHttp(Authorized(new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{port}/") }, token));
    }

    private static HttpClient Authorized(HttpClient http, string? token)
    {
        if (token != null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>The client itself, for tests that read headers or stream a body.</summary>
    public HttpClient Client => _http;

    public async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, string? json = null)
    {
        using var req = new HttpRequestMessage(method, path);
        if (json != null) req.Content = new StringContent(json, Encoding.UTF8, "application/json");
        using var resp = await _http.SendAsync(req);
        var text = await resp.Content.ReadAsStringAsync();
        JsonNode? body = null;
        if (text.Length > 0)
        {
            try { body = JsonNode.Parse(text); }
            catch (System.Text.Json.JsonException) { body = JsonValue.Create(text); }
        }
        return (resp.StatusCode, body);
    }

    public Task<(HttpStatusCode Status, JsonNode? Body)> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(string path, object body) => SendAsync(HttpMethod.Post, path, Json(body));

    public Task<(HttpStatusCode Status, JsonNode? Body)> PutAsync(string path, object body) => SendAsync(HttpMethod.Put, path, Json(body));

    /// <summary>POSTs and insists on success; returns the answer.</summary>
    public async Task<JsonNode> OkAsync(HttpMethod method, string path, object? body = null)
    {
        var (status, answer) = await SendAsync(method, path, body == null ? null : Json(body));
        Assert.That((int)status, Is.InRange(200, 299), $"{method} {path}: {status} {answer?.ToJsonString()}");
        return answer ?? new JsonObject();
    }

    public async Task<JsonNode> UploadAsync(string name, byte[] bytes, string format = "raw")
    {
        using var content = new ByteArrayContent(bytes);
        using var resp = await _http.PostAsync($"api/ops/v1/images/upload?name={Uri.EscapeDataString(name)}&format={format}", content);
        var text = await resp.Content.ReadAsStringAsync();
        Assert.That(resp.IsSuccessStatusCode, Is.True, text);
        return JsonNode.Parse(text)!;
    }

    private static string Json(object body) => body is string s ? s : System.Text.Json.JsonSerializer.Serialize(body, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));

    public void Dispose() => _http.Dispose();
}
