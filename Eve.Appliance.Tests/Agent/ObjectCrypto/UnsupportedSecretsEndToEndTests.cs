using System.Text.Json.Nodes;
using Eve.Appliance.Agent.ObjectCrypto;
using Eve.Appliance.Cli;
using Eve.Appliance.Controller.Crypto;
using Eve.Appliance.Tests.Support;
using Google.Protobuf;
using Org.Lfedge.Eve.Common;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Tests.Agent.ObjectCrypto;

/// <summary>Over real HTTPS: the operator's config carries a cellular APN, a SCEP profile and a
/// patch envelope whose secrets the controller's sealer encrypted for this device; the device
/// opens each and tells the controller, in its info, that it has no such feature.</summary>
[TestFixture]
public sealed class UnsupportedSecretsEndToEndTests
{
    [Test]
    public async Task SealedSecretsForMissingFeatures_AreReportedAsNotSupported_InTheControllersInfo()
    {
        using var dir = new TempDir("unsupported-e2e");
        await using var controller = await RunningController.StartAsync(dir.Sub("controller"));
        RunningAgent.Provision(controller.BootstrapDir, dir.Sub("config"));
        await using var agent = await RunningAgent.StartAsync(dir.Sub("config"), dir.Sub("persist"), "SN-unsupported", o => o with { Tpm = "none" });
        var id = await agent.Agent.Onboarded.WaitAsync(TimeSpan.FromSeconds(60));
        await agent.Agent.FirstConfig.WaitAsync(TimeSpan.FromSeconds(60));

        using var sealer = new SecretSealer(controller.Server.Pki!);
        var pem = System.Text.Encoding.ASCII.GetString(EdgeNodeCerts.EcdhPem(agent.Agent.Key!));
        var config = new EdgeDevConfig();
        CipherBlock Seal(string label, EncryptionBlock secret)
        {
            var (context, block) = sealer.SealBlock(pem, label, secret);
            if (config.CipherContexts.All(c => c.ContextId != context.ContextId)) config.CipherContexts.Add(context);
            return block;
        }
        var cellNet = new NetworkConfig { Id = "3a0e0f65-2222-4b1a-9a1e-000000000001", Type = NetworkType.V4, Wireless = new WirelessConfig { Type = WirelessType.Cellular } };
        var cellular = new CellularConfig();
        cellular.AccessPoints.Add(new CellularAccessPoint { Apn = "iot.example", SimSlot = 1, CipherData = Seal("apn", new EncryptionBlock { CellularNetUsername = "u", CellularNetPassword = "p" }) });
        cellNet.Wireless.CellularCfg.Add(cellular);
        config.Networks.Add(cellNet);
        config.ScepProfiles.Add(new SCEPProfile { ProfileName = "plant-pki", ScepUrl = "https://scep.example", ScepChallengePassword = Seal("scep", new EncryptionBlock { ScepChallengePassword = "c" }) });
        var envelope = new EvePatchEnvelope { DisplayName = "model-v2", Uuid = "3a0e0f65-2222-4b1a-9a1e-000000000003" };
        envelope.Artifacts.Add(new EveBinaryArtifact { EncryptedInline = new EncryptedInlineOpaqueBase64Data { CipherData = Seal("patch", new EncryptionBlock { EncryptedData = "aGk=" }) } });
        config.PatchEnvelopes.Add(envelope);

        using var admin = new AdminClient(controller.DataDir);
        await admin.PutTextAsync($"admin/devices/{id}/config", JsonFormatter.Default.Format(config));

        await Eventually.WaitAsync(async () =>
        {
            var all = (JsonArray)(await admin.GetAsync($"admin/devices/{id}/info"))!;
            var dinfo = all.FirstOrDefault(i => i!["kind"]!.GetValue<string>() == "ZiDevice")?["message"]?["dinfo"];
            var scep = dinfo?["enrolledCerts"]?[0]?["err"]?["description"]?.GetValue<string>() ?? "";
            var cell = (dinfo?["network"] as JsonArray)?.Any(n => n?["networkErr"]?["description"]?.GetValue<string>().Contains("cellular APN 'iot.example'") == true) == true;
            var patch = all.FirstOrDefault(i => i!["kind"]!.GetValue<string>() == "ZiPatchEnvelope")?["message"]?["patchInfo"];
            return scep.Contains("SCEP profile 'plant-pki': not supported on this device") && scep.Contains("decrypted correctly")
                   && cell
                   && patch?["state"]?.GetValue<string>() == "PATCH_ERROR"
                   && patch["errors"]?[0]?.GetValue<string>().Contains("patch envelope 'model-v2': not supported") == true;
        }, "device info reports the SCEP profile, the cellular APN and the patch envelope as not supported", 120);
    }
}
