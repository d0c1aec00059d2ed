using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Eve.Appliance.Controller;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eve.Appliance.Bench;

/// <summary>
/// The operator API with a plant-sized store: the real controller on a temp folder, 50 devices
/// (pre-registered by cert), 500 apps (each with a NIC on one of 10 networks and an ACL), 10 apps
/// assigned per device; then sequential GETs over the admin unix socket, timed from request to the
/// last body byte, as the console's list pages will make them. Also the create and assign latency
/// (which includes compiling, validating and versioning every affected device in one transaction).
/// </summary>
internal static class ObjectsBench
{
    public static void Run(TextWriter output) => RunAsync(output, devices: 50, apps: 500, rounds: 200).GetAwaiter().GetResult();

    public static async Task RunAsync(TextWriter o, int devices, int apps, int rounds)
    {
        var dir = Directory.CreateTempSubdirectory("eve-objects-bench-").FullName;
        var server = new ControllerServer(new ControllerOptions { DataDir = dir, Listen = "127.0.0.1:0", ShowFirstStartCredentials = false }, NullLoggerFactory.Instance, TimeProvider.System);
        try
        {
            await server.StartAsync(CancellationToken.None).ConfigureAwait(false);
            using var http = Client(server.AdminSocket);
            var deviceIds = new List<string>();
            for (var i = 0; i < devices; i++)
            {
                using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                using var cert = new CertificateRequest($"CN=bench-{i}", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
                var d = await SendAsync(http, HttpMethod.Post, "admin/devices", new JsonObject { ["certPem"] = cert.ExportCertificatePem(), ["serial"] = $"bench-{i}" }).ConfigureAwait(false);
                deviceIds.Add(d.Body!["id"]!.GetValue<string>());
            }
            using (var upload = new ByteArrayContent(RandomNumberGenerator.GetBytes(64 << 10)))
                (await http.PostAsync("api/ops/v1/images/upload?name=base&format=qcow2", upload).ConfigureAwait(false)).EnsureSuccessStatusCode();
            for (var n = 0; n < 10; n++)
                await SendAsync(http, HttpMethod.Post, "api/ops/v1/networks", new JsonObject { ["name"] = $"net-{n}", ["kind"] = "local", ["subnet"] = $"10.{100 + n}.0.0/24" }).ConfigureAwait(false);
            var create = new List<double>();
            for (var a = 0; a < apps; a++)
            {
                var body = JsonNode.Parse($$"""
                    {"name":"app-{{a}}","cpus":1,"memoryMb":64,"images":[{"imageId":"base"}],
                     "interfaces":[{"name":"eth0","networkId":"net-{{a % 10}}","acls":[{"matches":[{"type":"ip","value":"0.0.0.0/0"}]}]}]}
                    """)!;
                create.Add((await SendAsync(http, HttpMethod.Post, "api/ops/v1/apps", body).ConfigureAwait(false)).Ms);
            }
            var assign = new List<double>();
            var perDevice = apps / devices;
            for (var i = 0; i < devices; i++)
            {
                var names = new JsonArray(Enumerable.Range(i * perDevice, perDevice).Select(a => (JsonNode?)JsonValue.Create($"app-{a}")).ToArray());
                assign.Add((await SendAsync(http, HttpMethod.Put, $"api/ops/v1/devices/{deviceIds[i]}/assignment", new JsonObject { ["apps"] = names }).ConfigureAwait(false)).Ms);
            }
            var update = new List<double>();
            for (var r = 0; r < 20; r++)
            {
                var app = (await SendAsync(http, HttpMethod.Get, $"api/ops/v1/apps/app-{r * 7}", null).ConfigureAwait(false)).Body!;
                app["memoryMb"] = 128;
                update.Add((await SendAsync(http, HttpMethod.Put, $"api/ops/v1/apps/app-{r * 7}", app).ConfigureAwait(false)).Ms);
            }
            o.WriteLine($"objects: {devices} devices, {apps} apps ({perDevice} per device), 10 networks; real controller, admin unix socket, sequential requests");
            Line(o, "POST app (validate + store + audit)", create);
            Line(o, "PUT assignment (compile + version 1 device)", assign);
            Line(o, "PUT app assigned to 1 device (validate + compile + version it)", update);
            foreach (var (what, path) in new[] { ("GET apps (500)", "api/ops/v1/apps"), ("GET devices (50)", "api/ops/v1/devices"), ("GET one app", "api/ops/v1/apps/app-250"),
                         ("GET config versions of a device", $"api/ops/v1/devices/{deviceIds[0]}/config/versions"), ("GET audit (200 newest)", "api/ops/v1/audit") })
            {
                var times = new List<double>();
                long bytes = 0;
                for (var r = 0; r < rounds; r++)
                {
                    var (ms, size) = await TimeGetAsync(http, path).ConfigureAwait(false);
                    times.Add(ms);
                    bytes = size;
                }
                Line(o, $"{what}, {bytes / 1024.0:N0} KiB", times);
            }
        }
        finally
        {
            await server.StopAsync(CancellationToken.None).ConfigureAwait(false);
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void Line(TextWriter o, string what, List<double> ms)
    {
        ms.Sort();
        double P(double q) => ms[Math.Min(ms.Count - 1, (int)Math.Ceiling(q * ms.Count) - 1)];
        o.WriteLine($"  {what}: n={ms.Count} p50 {P(0.5):N2} ms, p99 {P(0.99):N2} ms, max {ms[^1]:N2} ms");
    }

    private static async Task<(double Ms, long Bytes)> TimeGetAsync(HttpClient http, string path)
    {
        var sw = Stopwatch.StartNew();
        using var resp = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        var body = await resp.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        sw.Stop();
        resp.EnsureSuccessStatusCode();
        return (sw.Elapsed.TotalMilliseconds, body.Length);
    }

    private static async Task<(double Ms, JsonNode? Body)> SendAsync(HttpClient http, HttpMethod method, string path, JsonNode? body)
    {
        using var req = new HttpRequestMessage(method, path);
        if (body != null) req.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        var sw = Stopwatch.StartNew();
        using var resp = await http.SendAsync(req).ConfigureAwait(false);
        var text = await resp.Content.ReadAsStringAsync().ConfigureAwait(false);
        sw.Stop();
        if (!resp.IsSuccessStatusCode) throw new InvalidOperationException($"{method} {path}: {(int)resp.StatusCode} {text}");
        return (sw.Elapsed.TotalMilliseconds, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private static HttpClient Client(string socket) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (_, ct) =>
        {
            var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await s.ConnectAsync(new UnixDomainSocketEndPoint(socket), ct).ConfigureAwait(false);
            return new NetworkStream(s, ownsSocket: true);
        },
    }) { BaseAddress = new Uri("http://controller/"), Timeout = TimeSpan.FromMinutes(2) };
}
