using Eve.Appliance.Agent;
using Eve.Appliance.Agent.Identity;
using Eve.Appliance.Agent.ObjectCrypto;
using Eve.Appliance.Tests.Agent.Identity;
using Eve.Appliance.Tests.Support;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using Org.Lfedge.Eve.Common;
using Org.Lfedge.Eve.Config;
using Org.Lfedge.Eve.Info;
using Org.Lfedge.Eve.Metrics;

namespace Eve.Appliance.Tests.Agent.ObjectCrypto;

/// <summary>Every CipherBlock field of EdgeDevConfig the device has no feature for (Wi-Fi,
/// cellular, cluster token, SCEP challenge password, patch envelope artifacts), each sealed by the
/// controller's SecretSealer for the device's ECDH key: opened, and reported as not supported in
/// the info slot EVE has for it; a block that does not open says so too.</summary>
[TestFixture]
public sealed class UnsupportedSecretsTests
{
    private static readonly FixedTimeProvider Time = new(DateTimeOffset.UtcNow);
    private const string WifiNet = "3a0e0f65-1111-4b1a-9a1e-000000000001";
    private const string CellNet = "3a0e0f65-1111-4b1a-9a1e-000000000002";
    private const string EnvelopeId = "3a0e0f65-1111-4b1a-9a1e-000000000003";

    private static EdgeDevConfig SealedEverywhere(SealedConfigs sealing, IDeviceKey key)
    {
        var pem = System.Text.Encoding.ASCII.GetString(EdgeNodeCerts.EcdhPem(key));
        var config = new EdgeDevConfig { Id = new UUIDandVersion { Uuid = Guid.NewGuid().ToString(), Version = "1" } };
        CipherBlock Seal(string label, EncryptionBlock secret)
        {
            var (context, block) = sealing.Sealer.SealBlock(pem, label, secret);
            if (config.CipherContexts.All(c => c.ContextId != context.ContextId)) config.CipherContexts.Add(context);
            return block;
        }

        var wifiNet = new NetworkConfig { Id = WifiNet, Wireless = new WirelessConfig { Type = Org.Lfedge.Eve.Common.WirelessType.WiFi } };
        wifiNet.Wireless.WifiCfg.Add(new WifiConfig { WifiSSID = "plant", CipherData = Seal("wifi", new EncryptionBlock { WifiUserName = "u", WifiPassword = "p" }) });
        var cellNet = new NetworkConfig { Id = CellNet, Wireless = new WirelessConfig { Type = Org.Lfedge.Eve.Common.WirelessType.Cellular } };
        var cellular = new CellularConfig();
        cellular.AccessPoints.Add(new CellularAccessPoint { Apn = "iot.example", SimSlot = 1, CipherData = Seal("apn", new EncryptionBlock { CellularNetUsername = "cu", CellularNetPassword = "cp" }) });
        cellNet.Wireless.CellularCfg.Add(cellular);
        config.Networks.Add(wifiNet);
        config.Networks.Add(cellNet);
        config.SystemAdapterList.Add(new SystemAdapter { Name = "wlan0", NetworkUUID = WifiNet });
        config.SystemAdapterList.Add(new SystemAdapter { Name = "wwan0", NetworkUUID = CellNet });
        config.Cluster = new EdgeNodeCluster { ClusterName = "line-3", ClusterId = "c-42", EncryptedClusterToken = Seal("cluster", new EncryptionBlock { ClusterToken = "k3s-token" }) };
        config.ScepProfiles.Add(new SCEPProfile { ProfileName = "plant-pki", ScepUrl = "https://scep.example", ScepChallengePassword = Seal("scep", new EncryptionBlock { ScepChallengePassword = "challenge" }) });
        var envelope = new EvePatchEnvelope { DisplayName = "model-v2", Uuid = EnvelopeId };
        envelope.Artifacts.Add(new EveBinaryArtifact { EncryptedInline = new EncryptedInlineOpaqueBase64Data { CipherData = Seal("patch", new EncryptionBlock { EncryptedData = "aGVsbG8=" }) } });
        config.PatchEnvelopes.Add(envelope);
        return config;
    }

    [Test]
    public void EachUnsupportedField_IsOpened_AndReportedAsNotSupported()
    {
        using var dir = new TempDir("unsupported");
        using var sealing = new SealedConfigs(dir.Sub("controller"));
        using var key = SoftwareDeviceKey.LoadOrCreate(dir.Sub("device"), "SN-u", Time);
        var config = SealedEverywhere(sealing, key);

        var found = UnsupportedSecrets.Find(config, sealing.DecryptorFor(key));

        Assert.That(found.Select(f => (f.Kind, f.Object)), Is.EquivalentTo(new[]
        {
            (UnsupportedSecretKind.Wifi, "wlan0"), (UnsupportedSecretKind.Cellular, "wwan0"), (UnsupportedSecretKind.Cluster, "c-42"),
            (UnsupportedSecretKind.Scep, "plant-pki"), (UnsupportedSecretKind.PatchEnvelope, EnvelopeId),
        }));
        Assert.That(found, Has.All.Matches<UnsupportedSecret>(f => f.Message.Contains("not supported on this device") && f.Message.Contains("decrypted correctly but is not used")));
        Assert.That(found.Single(f => f.Kind == UnsupportedSecretKind.Cellular).Message, Does.Contain("cellular APN 'iot.example' (SIM slot 1) on port 'wwan0'").And.Contain("no cellular modem"));
        Assert.That(found.Single(f => f.Kind == UnsupportedSecretKind.Scep).Message, Does.Contain("SCEP profile 'plant-pki'"));
        Assert.That(found.Single(f => f.Kind == UnsupportedSecretKind.Cluster).Message, Does.Contain("edge-node cluster 'line-3'"));
        Assert.That(string.Join("\n", found.Select(f => f.Message)), Does.Not.Contain("k3s-token").And.Not.Contain("challenge\"").And.Not.Contain("cp"),
            "no clear text in what is reported");
    }

    [Test]
    public void BlockSealedForAnotherDevice_IsReportedAsNotSupportedAndNotDecryptable()
    {
        using var dir = new TempDir("unsupported-other");
        using var sealing = new SealedConfigs(dir.Sub("controller"));
        using var key = SoftwareDeviceKey.LoadOrCreate(dir.Sub("device"), "SN-a", Time);
        using var other = SoftwareDeviceKey.LoadOrCreate(dir.Sub("other"), "SN-b", Time);
        var config = SealedEverywhere(sealing, other);

        var scep = UnsupportedSecrets.Find(config, sealing.DecryptorFor(key)).Single(f => f.Kind == UnsupportedSecretKind.Scep);

        Assert.That(scep.Message, Does.Contain("not supported on this device").And.Contain("could not be decrypted either").And.Contain("not this device's ECDH cert"));
    }

    [Test]
    public void Findings_GoToTheInfoSlotsEveHasForThem()
    {
        using var dir = new TempDir("unsupported-info");
        using var sealing = new SealedConfigs(dir.Sub("controller"));
        using var key = SoftwareDeviceKey.LoadOrCreate(dir.Sub("device"), "SN-i", Time);
        var found = UnsupportedSecrets.Find(SealedEverywhere(sealing, key), sealing.DecryptorFor(key));
        var sink = new RecordingSink();
        var subsystem = new UnsupportedSecretsSubsystem();

        subsystem.Apply(found, sink, Time.GetUtcNow(), NullLogger.Instance);
        var info = new ZInfoDevice();
        info.Network.Add(new ZInfoNetwork { LocalName = "wlan0", DevName = "wlan0" });
        subsystem.Contribute(info);

        Assert.That(info.Network.Single(n => n.LocalName == "wlan0").NetworkErr.Description, Does.Contain("Wi-Fi network 'plant'"), "the port's existing entry carries it");
        Assert.That(info.Network.Single(n => n.LocalName == "wwan0").NetworkErr.Description, Does.Contain("no cellular modem support"));
        Assert.That(info.EnrolledCerts.Single().CertEnrollmentProfileName, Is.EqualTo("plant-pki"));
        Assert.That(info.EnrolledCerts.Single().Err.Description, Does.Contain("does not enroll certificates by SCEP"));
        var patch = sink.Info[$"patch/{EnvelopeId}"].PatchInfo;
        Assert.That((patch.State, patch.Errors.Single()), Is.EqualTo((EVE_PATCH_ENVELOPE_STATE.PatchError, found.Single(f => f.Kind == UnsupportedSecretKind.PatchEnvelope).Message)));
        var cluster = sink.Info["cluster"].ClusterUpdateInfo;
        Assert.That((cluster.ClusterId, cluster.Error.Description.Contains("Kubernetes", StringComparison.Ordinal)), Is.EqualTo(("c-42", true)));
        Assert.That(sink.DeviceInfoChanges, Is.EqualTo(1));

        subsystem.Apply(found, sink, Time.GetUtcNow(), NullLogger.Instance);
        Assert.That(sink.DeviceInfoChanges, Is.EqualTo(1), "same findings: nothing re-sent");
    }

    private sealed class RecordingSink : IReportSink
    {
        public Dictionary<string, ZInfoMsg> Info { get; } = [];
        public int DeviceInfoChanges { get; private set; }
        public void PublishInfo(ZInfoMsg info, string key) => Info[key] = info;
        public void AddMetrics(Action<ZMetricMsg> contributor) { }
        public void AddDeviceInfo(Action<ZInfoDevice> contributor) { }
        public void DeviceInfoChanged() => DeviceInfoChanges++;
        public void PublishAppLogs(Guid app, string appName, IReadOnlyList<string> lines) { }
    }
}
