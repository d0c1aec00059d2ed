using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Eve.Appliance.Agent.Reporting;
using Eve.Appliance.Cli;
using Eve.Appliance.Controller.Endpoints;
using Eve.Appliance.Controller.Pki;
using Eve.Appliance.Tests.Support;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Org.Lfedge.Eve.Attest;
using Org.Lfedge.Eve.Config;
using Org.Lfedge.Eve.Flowlog;
using Org.Lfedge.Eve.Hardwarehealth;
using Org.Lfedge.Eve.Info;
using Org.Lfedge.Eve.Logs;
using Org.Lfedge.Eve.Metrics;
using Org.Lfedge.Eve.Uuid;

namespace Eve.Appliance.Tests.Fuzz;

/// <summary>
/// Request-level fuzzing of every v2 endpoint of the running controller (real TLS, in-process):
/// a few thousand seeded hostile inputs. Zero 5xx, zero transport failures except on oversized
/// bodies, zero forgeries accepted (no 2xx), and the victim's stored state unchanged.
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.Self)]
public sealed class RequestFuzzTests
{
    private const string V2 = "/api/v2/edgedevice";
    private const int Seed = 20261128;
    private static readonly string App = "5b6a4e1c-1d2e-4f3a-9b8c-7d6e5f4a3b2c";

    [Test]
    public async Task EveryV2Endpoint_SurvivesHostileInput_WithNo5xx_AndNoAcceptedForgery()
    {
        using var dir = new TempDir("fuzz");
        await using var controller = await RunningController.StartAsync(dir.Sub("data"));
        Eve.Appliance.Controller.Pki.PkiInitializer.Init(dir.Sub("foreign"), "foreign");
        PkiInitializer.WriteBootstrap(dir.Sub("foreign"), dir.Sub("foreign-boot"), "x:1");
        using var victim = Device(controller, "victim");
        using var other = Device(controller, "other");
        using var stranger = Device(controller, "stranger"); // never onboarded: unknown to the controller
        using var foreign = new TestDevice(controller.Uri, dir.Sub("foreign-boot"), "SN-fuzz-foreign");
        await victim.OnboardAsync();
        await other.OnboardAsync();
        // Some stored state of the victim to watch.
        await victim.PostAsync($"{V2}/id/{victim.Id}/info", victim.Envelope(Info(victim.Id!)));
        await victim.PostAsync($"{V2}/id/{victim.Id}/metrics", victim.Envelope(Metrics(victim.Id!)));

        var targets = Targets();
        var inputs = new HostileInputs(new Random(Seed), victim, other, stranger, foreign, FuzzCorpus.Load());
        var all = targets.SelectMany(t => inputs.For(t, garbage: 25, truncations: 25, flips: 120)).ToList();
        var before = await SnapshotAsync(controller, victim.Id!);

        using var http = Client(controller);
        var failures = new ConcurrentQueue<string>();
        var statuses = new ConcurrentDictionary<int, int>();
        await Parallel.ForEachAsync(all, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (input, ct) =>
        {
            var status = await SendAsync(http, input, ct);
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            // FUZZ_DUMP=DIR keeps the bodies of failing inputs, to study them and add them to Fuzz/Corpus.
            if ((status >= 500 || status is >= 200 and < 300 && input.MustBeRefused && input.Target.Authenticated) && Environment.GetEnvironmentVariable("FUZZ_DUMP") is { } dump)
                File.WriteAllBytes(Path.Combine(dump, $"{input.Target.Name.Replace(' ', '_')}-{status}-{Guid.NewGuid():N}.bin"), input.Body);
            if (status >= 500) failures.Enqueue($"{input.Target} [{input.Kind}] → {status}");
            else if (status == 0 && !input.TransportErrorAllowed) failures.Enqueue($"{input.Target} [{input.Kind}] → transport failure");
            else if (status is >= 200 and < 300 && input.MustBeRefused && input.Target.Authenticated)
                failures.Enqueue($"{input.Target} [{input.Kind}] → {status}: FORGERY ACCEPTED");
            else if (input.Kind == "oversized" && status is not (413 or 0)) failures.Enqueue($"{input.Target} [oversized] → {status}, expected 413");
        });
        var after = await SnapshotAsync(controller, victim.Id!);

        // Valid envelopes with odd content types, and replays: may be accepted, must never be 5xx.
        var odd = OddButValid(targets, victim).ToList();
        foreach (var input in odd)
        {
            var status = await SendAsync(http, input, CancellationToken.None);
            if (status is >= 500 or 0) failures.Enqueue($"{input.Target} [{input.Kind}] → {(status == 0 ? "transport failure" : status)}");
        }
        var ping = await SendAsync(http, new FuzzInput(targets[0], "ping", $"{V2}/ping", [], null), CancellationToken.None);

        var total = all.Count + odd.Count;
        TestContext.Out.WriteLine($"fuzz: {total} inputs over {targets.Count} endpoints (seed {Seed}); {inputs.SkippedEquivalent} bit flips left the envelope equivalent and were not sent; " +
                                  $"statuses: {string.Join(", ", statuses.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}×{kv.Value}"))}");
        Assert.That(total, Is.GreaterThan(2000), "a few thousand inputs");
        Assert.That(failures, Is.Empty, () => $"{failures.Count} failures, first: {string.Join("\n", failures.Take(15))}");
        Assert.That(after, Is.EqualTo(before), "hostile input changed what the controller stores");
        Assert.That(ping, Is.EqualTo(200), "the controller still answers");
    }

    private static List<FuzzTarget> Targets()
    {
        string Id(string id, string action) => $"{V2}/id/{id}/{action}";
        var logs = new LogBundle { Log = { new LogEntry { Content = "fuzz", Severity = "info", Timestamp = Timestamp.FromDateTime(DateTime.UtcNow) } } };
        byte[] NewLogs() => NewLogsChunk.Pack([new LogEntry { Content = "fuzz", Severity = "info", Source = "fuzz", Timestamp = Timestamp.FromDateTime(DateTime.UtcNow) }], "fuzz", "fuzz", DateTimeOffset.UtcNow);
        return
        [
            new("certs GET", HttpMethod.Get, _ => $"{V2}/certs", () => [], BodyLimits.Control, Authenticated: false),
            new("certs POST", HttpMethod.Post, _ => $"{V2}/certs", () => [], BodyLimits.Control, Authenticated: false),
            new("ping", HttpMethod.Get, _ => $"{V2}/ping", () => [], BodyLimits.Control, Authenticated: false),
            new("register", HttpMethod.Post, _ => $"{V2}/register", () => [], BodyLimits.Control, OnboardingSigned: true),
            FuzzTarget.Signed("uuid", _ => $"{V2}/uuid", new UuidRequest(), BodyLimits.Control),
            FuzzTarget.Signed("config (no id)", _ => $"{V2}/config", new ConfigRequest { ConfigHash = "x" }, BodyLimits.Control),
            FuzzTarget.Signed("config", id => Id(id, "config"), new ConfigRequest { ConfigHash = "x" }, BodyLimits.Control),
            FuzzTarget.Signed("attest", id => Id(id, "attest"), new ZAttestReq { ReqType = ZAttestReqType.AttestReqNonce }, BodyLimits.Control),
            FuzzTarget.Signed("info", id => Id(id, "info"), Info("fuzz"), BodyLimits.Telemetry),
            FuzzTarget.Signed("metrics", id => Id(id, "metrics"), Metrics("fuzz"), BodyLimits.Telemetry),
            FuzzTarget.Signed("logs", id => Id(id, "logs"), logs, BodyLimits.Logs),
            new("newlogs", HttpMethod.Post, id => Id(id, "newlogs"), NewLogs, BodyLimits.Logs),
            new("app newlogs", HttpMethod.Post, id => Id(id, $"apps/instanceid/{App}/newlogs"), NewLogs, BodyLimits.Logs),
            FuzzTarget.Signed("app logs", id => Id(id, $"apps/instances/id/{App}/logs"), new AppInstanceLogBundle { Log = { logs.Log } }, BodyLimits.Logs),
            FuzzTarget.Signed("flowlog", id => Id(id, "flowlog"), new FlowMessage { DevId = "fuzz" }, BodyLimits.Telemetry),
            FuzzTarget.Signed("hardwarehealth", id => Id(id, "hardwarehealth"), new ZHardwareHealth { DevId = "fuzz" }, BodyLimits.Telemetry),
        ];
    }

    private static IEnumerable<FuzzInput> OddButValid(List<FuzzTarget> targets, TestDevice victim)
    {
        foreach (var t in targets.Where(t => t.Authenticated && !t.OnboardingSigned))
        {
            var body = Eve.Appliance.Api.Envelope.AuthContainers.Seal(t.Payload(), victim.Signer).ToByteArray();
            var path = t.PathFor(victim.Id!);
            foreach (var type in new[] { "text/plain", "application/json", "application/octet-stream", "multipart/form-data; boundary=x", null })
                yield return new FuzzInput(t, $"content type {type ?? "none"}", path, body, type) { MustBeRefused = false };
            for (var i = 0; i < 3; i++) yield return new FuzzInput(t, "replay", path, body) { MustBeRefused = false };
        }
    }

    /// <summary>What the controller stores that a forgery could touch: the device list (count,
    /// registrations) and the victim's info, metrics and logs, as the operator API shows them.</summary>
    private static async Task<string> SnapshotAsync(RunningController controller, string victimId)
    {
        using var admin = new AdminClient(controller.DataDir);
        var devices = (JsonArray)(await admin.GetAsync("admin/devices"))!;
        foreach (var d in devices.OfType<JsonObject>()) d.Remove("lastSeenAt"); // liveness, not content
        var info = await admin.GetAsync($"admin/devices/{victimId}/info");
        var metrics = await admin.GetAsync($"admin/devices/{victimId}/metrics?last=1000");
        var logs = await admin.GetAsync($"admin/devices/{victimId}/logs?limit=100000");
        return string.Join("\n", devices.ToJsonString(), info?.ToJsonString(), metrics?.ToJsonString(), logs?.ToJsonString());
    }

    /// <summary>Sends one input; 0 means the transport failed (no HTTP answer).</summary>
    private static async Task<int> SendAsync(HttpClient http, FuzzInput input, CancellationToken ct)
    {
        using var req = new HttpRequestMessage(input.Target.Method, input.Path);
        if (input.Body.Length > 0 || input.Target.Method == HttpMethod.Post)
        {
            req.Content = new ByteArrayContent(input.Body);
            req.Content.Headers.ContentType = input.ContentType == null ? null : MediaTypeHeaderValue.Parse(input.ContentType);
        }
        try
        {
            using var resp = await http.SendAsync(req, ct);
            await resp.Content.ReadAsByteArrayAsync(ct);
            return (int)resp.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    private static HttpClient Client(RunningController controller)
    {
        // Trust is not under test here; any server cert is accepted so the bytes reach the endpoints.
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 8 };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        return new HttpClient(handler) { BaseAddress = controller.Uri, Timeout = TimeSpan.FromSeconds(60) };
    }

    private static TestDevice Device(RunningController c, string role) =>
        new(c.Uri, c.BootstrapDir, $"SN-fuzz-{role}-{Guid.NewGuid().ToString("N")[..6]}");

    private static ZInfoMsg Info(string id) => new()
    {
        Ztype = ZInfoTypes.ZiDevice,
        DevId = id,
        Dinfo = new ZInfoDevice { MachineArch = "x86_64", Ncpu = 2 },
    };

    private static ZMetricMsg Metrics(string id) => new()
    {
        DevID = id,
        AtTimeStamp = Timestamp.FromDateTime(DateTime.UtcNow),
        Dm = new deviceMetric { Memory = new memoryMetric { UsedMem = 1, AvailMem = 2 } },
    };
}
