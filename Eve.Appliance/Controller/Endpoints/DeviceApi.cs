using Eve.Appliance.Api.Envelope;
using Eve.Appliance.Controller.Configs;
using Eve.Appliance.Controller.Devices;
using Eve.Appliance.Controller.Pki;
using Eve.Appliance.Controller.Telemetry;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace Eve.Appliance.Controller.Endpoints;

/// <summary>The services the device API endpoints (v1 and v2) call, and the answers they share.</summary>
internal sealed class DeviceApi(
    ControllerOptions options,
    ControllerPki pki,
    DeviceDirectory devices,
    EnvelopeAuthenticator authenticator,
    RegistrationService registration,
    ConfigService configs,
    AttestationService attestation,
    TelemetryIngest telemetry,
    ControllerCounters counters,
    TimeProvider time)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _lastSeenWrite = new();

    public ControllerPki Pki => pki;
    public DeviceDirectory Devices => devices;
    public EnvelopeAuthenticator Authenticator => authenticator;
    public RegistrationService Registration => registration;
    public ConfigService Configs => configs;
    public AttestationService Attestation => attestation;
    public TelemetryIngest Telemetry => telemetry;
    public ControllerCounters Counters => counters;

    public IResult Certs(HttpContext c)
    {
        return ProtoResults.Bytes(pki.CertsSigned);
    }

    public IResult Ping(HttpContext c)
    {
        return ProtoResults.Empty(200);
    }

    public IResult Sealed(IMessage message, int status = 200) =>
        ProtoResults.Bytes(AuthContainers.Seal(message, pki.Signer).ToByteArray(), status);

    public void CheckIntegrityToken(string deviceId, ReadOnlySpan<byte> token)
    {
        if (!options.EnforceIntegrityToken) return;
        var doc = devices.Get(deviceId);
        if (doc?.IntegrityToken == null || !token.SequenceEqual(doc.IntegrityToken))
            throw ApiError.Forbidden($"device {deviceId}: integrity token missing or stale; attest again");
    }

    /// <summary>Records when a device last talked to us; written at most once a minute per device
    /// so that polls from a large fleet do not each cost a store write.</summary>
    public void Seen(string deviceId)
    {
        var now = time.GetUtcNow();
        var last = _lastSeenWrite.GetValueOrDefault(deviceId);
        if (now.ToUnixTimeSeconds() - last < 60) return;
        _lastSeenWrite[deviceId] = now.ToUnixTimeSeconds();
        var doc = devices.Get(deviceId);
        if (doc == null) return;
        doc.LastSeenAt = now.UtcDateTime;
        devices.Update(doc);
    }
}
