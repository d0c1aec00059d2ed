using System.Text;
using Eve.Appliance.Agent.Bootstrap;
using Eve.Appliance.Agent.Identity;
using Eve.Appliance.Platform.Files;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Org.Lfedge.Eve.Certs;
using Org.Lfedge.Eve.Config;
using Org.Lfedge.Eve.Register;
using Org.Lfedge.Eve.Uuid;

namespace Eve.Appliance.Agent.ControllerConn;

/// <summary>
/// The device's conversation with its controller: trusted certs, onboarding, the UUID, and signed
/// requests on its behalf. Certs and UUID are persisted so a restart needs no controller.
/// </summary>
internal sealed class DeviceSession(ControllerClient client, BootstrapFolder bootstrap, IDeviceKey key, string persistDir, ILogger log)
{
    private readonly DeviceKeySigner _signer = new(key);
    private ControllerCerts? _certs;
    private string? _followedCertsHash;

    public string? DeviceId { get; private set; }
    public ControllerCerts? Certs => _certs;
    public ControllerClient Client => client;
    private string CertsFile => Path.Combine(persistDir, "certs", "controller-certs.pb");
    private string UuidFile => Path.Combine(persistDir, "status", "uuid");

    /// <summary>Loads what a previous run persisted (certs verified again against our roots).</summary>
    public void LoadPersisted()
    {
        if (File.Exists(CertsFile))
        {
            try
            {
                _certs = ControllerCerts.Verify(ZControllerCert.Parser.ParseFrom(File.ReadAllBytes(CertsFile)), bootstrap.Roots);
            }
            catch (Exception e) when (e is ControllerTrustException or InvalidProtocolBufferException)
            {
                log.LogWarning("persisted controller certs are not usable ({Reason}); will fetch /certs again", e.Message);
            }
        }
        if (File.Exists(UuidFile) && Guid.TryParse(File.ReadAllText(UuidFile).Trim(), out var id)) DeviceId = id.ToString();
    }

    public async Task RefreshCertsAsync(CancellationToken ct)
    {
        var message = await client.GetCertsAsync(ct).ConfigureAwait(false);
        var certs = ControllerCerts.Verify(message, bootstrap.Roots);
        var changed = _certs == null || !_certs.SigningHash.AsSpan().SequenceEqual(certs.SigningHash);
        _certs = certs;
        AtomicFile.Write(CertsFile, message.ToByteArray());
        if (changed)
            log.LogInformation("picked up the controller signing cert '{Subject}' (sha256 {Hash}) from /certs, verified against root-certificate.pem",
                certs.Signing.Subject, Convert.ToHexStringLower(certs.SigningHash));
    }

    /// <summary>EVE's reaction to EdgeDevConfig.controllercert_confighash: when it names certs other
    /// than the ones held, fetch /certs again (verified against the root as always). A controller
    /// that hashes its cert files differently (Adam hashes the files, we the trimmed PEMs) would
    /// never match; remembering the hash a fetch was made for keeps that to one fetch per change.
    /// True when /certs was fetched. Throws ControllerTrustException when the new certs are refused.</summary>
    public async Task<bool> FollowCertsHashAsync(string advertised, CancellationToken ct)
    {
        if (advertised == "" || _certs == null || advertised == _certs.ConfigHash || advertised == _followedCertsHash) return false;
        log.LogInformation("config names controller certs {Advertised}, the device holds {Held}: fetching /certs", advertised, _certs.ConfigHash);
        await RefreshCertsAsync(ct).ConfigureAwait(false);
        _followedCertsHash = advertised;
        return true;
    }

    /// <summary>EVE's onboarding order: certs, register (with the onboarding cert), uuid.</summary>
    public async Task OnboardAsync(string serial, string softSerial, CancellationToken ct)
    {
        if (_certs == null) await RefreshCertsAsync(ct).ConfigureAwait(false);
        if (DeviceId != null) return;
        if (bootstrap.OnboardCert != null && bootstrap.OnboardKey != null)
        {
            var msg = new ZRegisterMsg
            {
                PemCert = ByteString.CopyFrom(Encoding.ASCII.GetBytes(Convert.ToBase64String(Encoding.ASCII.GetBytes(key.Certificate.ExportCertificatePem() + "\n")))),
                Serial = serial,
                SoftSerial = softSerial,
            };
            var senderCert = ByteString.CopyFrom(Encoding.ASCII.GetBytes(Convert.ToBase64String(Encoding.ASCII.GetBytes(bootstrap.OnboardCertPem!))));
            var (status, body) = await client.PostSignedAsync(ControllerClient.Path("register", null), msg.ToByteArray(),
                new EcdsaCertSigner(bootstrap.OnboardCert, bootstrap.OnboardKey), ct, senderCert).ConfigureAwait(false);
            if (status is 200 or 201) log.LogInformation("registered with the controller ({Status})", status);
            else if (status == 409) log.LogWarning("register: {Reason}", Encoding.UTF8.GetString(body).Trim());
            else ControllerClient.Expect(status, body, "register", 200, 201);
        }
        await FetchUuidAsync(ct).ConfigureAwait(false);
    }

    public async Task FetchUuidAsync(CancellationToken ct)
    {
        var (status, body) = await client.PostSignedAsync(ControllerClient.Path("uuid", null), new UuidRequest().ToByteArray(), _signer, ct).ConfigureAwait(false);
        ControllerClient.Expect(status, body, "uuid", 200);
        var resp = UuidResponse.Parser.ParseFrom(await OpenAsync(body, "uuid", ct).ConfigureAwait(false));
        if (!Guid.TryParse(resp.Uuid.Trim(), out var id)) throw new ControllerTrustException($"uuid answer '{resp.Uuid}' is not a UUID");
        DeviceId = id.ToString();
        AtomicFile.WriteText(UuidFile, DeviceId + "\n");
        log.LogInformation("device UUID is {Uuid}", DeviceId);
    }

    /// <summary>POST /config with the last hash: null on 304, else the verified ConfigResponse and
    /// the signed envelope bytes (kept as the checkpoint).</summary>
    public async Task<(ConfigResponse Response, byte[] Envelope)?> GetConfigAsync(string prevHash, ReadOnlyMemory<byte> integrityToken, CancellationToken ct)
    {
        var req = new ConfigRequest { ConfigHash = prevHash, IntegrityToken = ByteString.CopyFrom(integrityToken.Span) };
        var (status, body) = await PostAsync("config", req.ToByteArray(), ct).ConfigureAwait(false);
        if (status == 304) return null;
        ControllerClient.Expect(status, body, "config", 200);
        var payload = await OpenAsync(body, "config", ct).ConfigureAwait(false);
        return (ConfigResponse.Parser.ParseFrom(payload), body);
    }

    /// <summary>POST a signed payload to id/{uuid}/{action}.</summary>
    public Task<(int Status, byte[] Body)> PostAsync(string action, ReadOnlySpan<byte> payload, CancellationToken ct) =>
        client.PostSignedAsync(ControllerClient.Path(action, DeviceId ?? throw new InvalidOperationException("device is not onboarded yet")), payload, _signer, ct);

    /// <summary>Verifies a controller envelope; on a cert miss, refetches /certs once (the
    /// controller may have rolled its signing cert) and tries again.</summary>
    public async Task<byte[]> OpenAsync(byte[] body, string what, CancellationToken ct)
    {
        var container = ControllerClient.ParseContainer(body, what);
        if (_certs == null) await RefreshCertsAsync(ct).ConfigureAwait(false);
        try
        {
            return _certs!.Open(container).ToArray();
        }
        catch (ControllerTrustException first)
        {
            Client.Comm.AuthVerifyFailed();
            log.LogWarning("{What}: {Reason}; fetching /certs again", what, first.Message);
            await RefreshCertsAsync(ct).ConfigureAwait(false);
            try
            {
                return _certs!.Open(container).ToArray();
            }
            catch (ControllerTrustException)
            {
                Client.Comm.AuthVerifyFailed();
                throw;
            }
        }
    }

    /// <summary>Verifies a persisted envelope (the config checkpoint) with the persisted certs.</summary>
    public byte[]? TryOpenOffline(byte[] body)
    {
        if (_certs == null) return null;
        try
        {
            return _certs.Open(ControllerClient.ParseContainer(body, "checkpoint")).ToArray();
        }
        catch (ControllerTrustException e)
        {
            log.LogWarning("config checkpoint does not verify: {Reason}", e.Message);
            return null;
        }
    }
}
