using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Agent.Apps;
using Eve.Appliance.Agent.Connectivity;
using Eve.Appliance.Agent.ControllerConn;
using Eve.Appliance.Agent.Identity;
using Eve.Appliance.Api.Envelope;
using Eve.Appliance.Api.NewLogs;
using Eve.Appliance.Controller;
using Eve.Appliance.Controller.Configs;
using Eve.Appliance.Controller.Devices;
using Eve.Appliance.Controller.Telemetry;
using Google.Protobuf;
using Org.Lfedge.Eve.Certs;
using Org.Lfedge.Eve.Config;
using Org.Lfedge.Eve.Info;
using Org.Lfedge.Eve.Metrics;
using Org.Lfedge.Eve.Register;

namespace Eve.Appliance.Fuzz;

/// <summary>What one input did: accepted as valid, or refused with the error a caller would see.</summary>
internal enum FuzzOutcome { Accepted, Refused }

/// <summary>An input was accepted that no honest sender could have made: a signature or chain
/// verified against keys generated in this process. This is a finding, like a crash.</summary>
internal sealed class AcceptedForgeryException(string message) : Exception(message);

/// <summary>
/// The parsers that meet untrusted bytes, each as a fuzz target: the same code paths as the
/// controller's endpoints and the agent's response handling, minus the network. A target returns
/// Refused for the refusals its callers map to a clear answer (400/401/403, a refused response);
/// any other exception escaping it is a finding.
/// </summary>
internal static class FuzzTargets
{
    public static readonly IReadOnlyDictionary<string, Func<byte[], FuzzOutcome>> All = new SortedDictionary<string, Func<byte[], FuzzOutcome>>
    {
        ["envelope"] = Envelope,
        ["config"] = Config,
        ["newlogs"] = NewLogs,
        ["telemetry"] = Telemetry,
        ["register"] = Register,
        ["certs"] = Certs,
    };

    /// <summary>Keys made fresh in this process: nothing the fuzzer feeds can have been signed with
    /// them. A class of its own so they are made on the first input, inside SharpFuzz's Run: code of
    /// the instrumented assembly must not run before Run has set up the coverage map.</summary>
    private static class Keys
    {
        public static readonly ECDsa Device = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        public static readonly X509Certificate2 DeviceCert = DeviceCertificateBuilder.SelfSigned(Device, "fuzz");
        public static readonly byte[] DeviceCertHash = SHA256.HashData(DeviceCert.RawData);
        public static readonly X509Certificate2Collection Roots = [MakeRoot()];
    }

    /// <summary>The v2 envelope as both sides open it: parse, match the sender, verify.</summary>
    private static FuzzOutcome Envelope(byte[] input)
    {
        Org.Lfedge.Eve.Auth.AuthContainer container;
        try
        {
            container = AuthContainers.Parse(input);
        }
        catch (EnvelopeException)
        {
            return FuzzOutcome.Refused;
        }
        var named = AuthContainers.NamesCert(container, Keys.DeviceCertHash);
        if (AuthContainers.VerifySignature(container, Keys.Device))
            throw new AcceptedForgeryException($"an envelope verified with a key made in this process (names the cert: {named})");
        return FuzzOutcome.Refused;
    }

    /// <summary>A config as the controller validates it and as the agent's subsystems read it.</summary>
    private static FuzzOutcome Config(byte[] input)
    {
        EdgeDevConfig config;
        try
        {
            config = EdgeDevConfig.Parser.ParseFrom(input);
        }
        catch (InvalidProtocolBufferException)
        {
            return FuzzOutcome.Refused;
        }
        var problems = ConfigValidator.Validate(config, "00000000-0000-0000-0000-000000000001");
        _ = DesiredApps.Compute(config);
        _ = DpcSources.FromController(config, DateTimeOffset.UnixEpoch);
        return problems.Count == 0 ? FuzzOutcome.Accepted : FuzzOutcome.Refused;
    }

    private static FuzzOutcome NewLogs(byte[] input)
    {
        try
        {
            var payload = NewLogsCodec.Decode(input);
            return payload.Entries.Count >= 0 ? FuzzOutcome.Accepted : FuzzOutcome.Refused;
        }
        catch (NewLogsFormatException)
        {
            return FuzzOutcome.Refused;
        }
    }

    private static FuzzOutcome Telemetry(byte[] input)
    {
        var accepted = false;
        try
        {
            var info = ZInfoMsg.Parser.ParseFrom(input);
            _ = InfoKey.Of(info);
            accepted = true;
        }
        catch (InvalidProtocolBufferException)
        {
        }
        try
        {
            _ = ZMetricMsg.Parser.ParseFrom(input);
            accepted = true;
        }
        catch (InvalidProtocolBufferException)
        {
        }
        return accepted ? FuzzOutcome.Accepted : FuzzOutcome.Refused;
    }

    private static FuzzOutcome Register(byte[] input)
    {
        try
        {
            var msg = ZRegisterMsg.Parser.ParseFrom(input);
            using var cert = RegistrationService.ParseDeviceCert(msg.PemCert.Span);
            return FuzzOutcome.Accepted;
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or ApiError)
        {
            return FuzzOutcome.Refused;
        }
    }

    /// <summary>/certs as the agent checks it: every cert must chain to the bootstrap root.</summary>
    private static FuzzOutcome Certs(byte[] input)
    {
        ZControllerCert message;
        try
        {
            message = ZControllerCert.Parser.ParseFrom(input);
        }
        catch (InvalidProtocolBufferException)
        {
            return FuzzOutcome.Refused;
        }
        try
        {
            _ = ControllerCerts.Verify(message, Keys.Roots);
        }
        catch (ControllerTrustException)
        {
            return FuzzOutcome.Refused;
        }
        throw new AcceptedForgeryException("/certs chained to a root made in this process");
    }

    private static X509Certificate2 MakeRoot()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest("CN=fuzz root", key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        return req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }
}
