using System.Text;
using Eve.Appliance.Agent.Bootstrap;
using Eve.Appliance.Agent.Identity;
using Eve.Appliance.Agent.Reporting;
using Eve.Appliance.Api.Envelope;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Org.Lfedge.Eve.Auth;
using Org.Lfedge.Eve.Config;
using Org.Lfedge.Eve.Info;
using Org.Lfedge.Eve.Logs;
using Org.Lfedge.Eve.Metrics;
using Org.Lfedge.Eve.Register;
using Org.Lfedge.Eve.Uuid;

namespace Eve.Appliance.Sim;

/// <summary>
/// One simulated EVE device: onboards with the bootstrap onboarding cert, then speaks API v2 with its
/// own key. Every body is a freshly signed AuthContainer, as on a real device; answers are parsed but
/// the controller's signature is not verified (the client's CPU is better spent on load).
/// </summary>
internal sealed class SimDevice(SimIdentity identity, SimTransport transport)
{
    private static readonly int[] Registered = [200, 201];
    private static readonly int[] Ok = [200];
    private static readonly int[] ConfigOk = [200, 304];
    private static readonly int[] Created = [201];
    private long _sequence;

    public SimIdentity Identity => identity;
    public string? Id { get; private set; }
    public string ConfigHash { get; private set; } = "";

    /// <summary>register (with the onboarding cert as sender) then uuid; true when the device has its UUID.</summary>
    public async Task<bool> OnboardAsync(BootstrapFolder bootstrap, CancellationToken ct)
    {
        var msg = new ZRegisterMsg
        {
            PemCert = ByteString.CopyFrom(Encoding.ASCII.GetBytes(Convert.ToBase64String(Encoding.ASCII.GetBytes(identity.Cert.ExportCertificatePem() + "\n")))),
            Serial = identity.Serial,
        };
        var senderCert = ByteString.CopyFrom(Encoding.ASCII.GetBytes(Convert.ToBase64String(Encoding.ASCII.GetBytes(bootstrap.OnboardCertPem!))));
        var envelope = AuthContainers.Seal(msg, new EcdsaCertSigner(bootstrap.OnboardCert!, bootstrap.OnboardKey!), senderCert).ToByteArray();
        var reg = await transport.SendAsync("register", HttpMethod.Post, "/api/v2/edgedevice/register", envelope, Registered, ct).ConfigureAwait(false);
        if (reg is not { Status: 200 or 201 }) return false;
        var uuid = await transport.SendAsync("uuid", HttpMethod.Post, "/api/v2/edgedevice/uuid", Seal(new UuidRequest()), Ok, ct).ConfigureAwait(false);
        if (uuid is not { Status: 200 } u) return false;
        Id = UuidResponse.Parser.ParseFrom(AuthContainer.Parser.ParseFrom(u.Body).ProtectedPayload.Payload).Uuid;
        return true;
    }

    /// <summary>POST id/{uuid}/config with the last hash; a 200 answer updates the hash.</summary>
    public async Task PollConfigAsync(CancellationToken ct)
    {
        var answer = await transport.SendAsync("config", HttpMethod.Post, Path("config"), ConfigRequestEnvelope(), ConfigOk, ct).ConfigureAwait(false);
        if (answer is { Status: 200 } a) TakeConfigAnswer(a.Body);
    }

    /// <summary>Takes the hash of a 200 config answer (a signed ConfigResponse).</summary>
    public void TakeConfigAnswer(byte[] body) =>
        ConfigHash = ConfigResponse.Parser.ParseFrom(AuthContainer.Parser.ParseFrom(body).ProtectedPayload.Payload).ConfigHash;

    /// <summary>The signed config request for the current hash (the poll mode sends it again and again).</summary>
    public byte[] ConfigRequestEnvelope() => Seal(new ConfigRequest { ConfigHash = ConfigHash });

    public string Path(string action) => $"/api/v2/edgedevice/id/{Id}/{action}";

    public Task PostInfoAsync(CancellationToken ct)
    {
        var info = new ZInfoMsg
        {
            Ztype = ZInfoTypes.ZiDevice,
            DevId = Id,
            AtTimeStamp = Timestamp.FromDateTime(DateTime.UtcNow),
            Dinfo = new ZInfoDevice
            {
                MachineArch = "x86_64",
                CpuArch = "x86_64",
                Platform = "sim",
                Ncpu = 4,
                Memory = 8192,
                Storage = 64 * 1024,
                State = ZDeviceState.Online,
            },
        };
        return Post("info", info, ct);
    }

    public Task PostMetricsAsync(CancellationToken ct)
    {
        var n = Interlocked.Increment(ref _sequence);
        var metric = new ZMetricMsg
        {
            DevID = Id,
            AtTimeStamp = Timestamp.FromDateTime(DateTime.UtcNow),
            Dm = new deviceMetric
            {
                Memory = new memoryMetric { UsedMem = 1024 + (uint)(n % 100), AvailMem = 7000, UsedPercentage = 12.5 },
            },
        };
        return Post("metrics", metric, ct);
    }

    public Task PostNewLogsAsync(CancellationToken ct)
    {
        var now = Timestamp.FromDateTime(DateTime.UtcNow);
        var entries = Enumerable.Range(0, 20).Select(i => new LogEntry
        {
            Severity = "info",
            Source = "zedagent",
            Content = $"simulated log line {i} of device {identity.Serial}",
            Timestamp = now,
            Filename = "sim.go",
            Function = "simulate",
        });
        var body = NewLogsChunk.Pack(entries, Id ?? "", "sim", DateTimeOffset.UtcNow);
        return transport.SendAsync("newlogs", HttpMethod.Post, Path("newlogs"), AuthContainers.Seal(body, identity.Signer).ToByteArray(), Created, ct);
    }

    private Task Post(string action, IMessage message, CancellationToken ct) =>
        transport.SendAsync(action, HttpMethod.Post, Path(action), Seal(message), Created, ct);

    private byte[] Seal(IMessage message) => AuthContainers.Seal(message, identity.Signer).ToByteArray();
}
