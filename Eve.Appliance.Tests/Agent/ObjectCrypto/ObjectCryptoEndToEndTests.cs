using System.Text.Json.Nodes;
using Eve.Appliance.Cli;
using Eve.Appliance.Platform.Tpm;
using Eve.Appliance.Tests.Support;
using Google.Protobuf;

namespace Eve.Appliance.Tests.Agent.ObjectCrypto;

/// <summary>Controller → agent over real HTTPS: the operator sets secrets in clear; the controller
/// seals them for the device's reported ECDH cert; the agent's config holds only CipherBlocks and
/// the agent opens them (software key, and the ECDH key in swtpm). Device info says whether a TPM
/// holds the keys (HSMStatus).</summary>
[TestFixture]
public sealed class ObjectCryptoEndToEndTests
{
    [Test]
    public async Task SecretsSetInClear_ReachASoftwareKeyDeviceEncrypted_AndOpenThere_AndInfoSaysNoTpm()
    {
        using var dir = new TempDir("objcrypto-e2e-sw");
        await using var controller = await RunningController.StartAsync(dir.Sub("controller"));
        RunningAgent.Provision(controller.BootstrapDir, dir.Sub("config"));
        await using var agent = await RunningAgent.StartAsync(dir.Sub("config"), dir.Sub("persist"), "SN-crypto-sw", o => o with { Tpm = "none" });
        var id = await agent.Agent.Onboarded.WaitAsync(TimeSpan.FromSeconds(60));

        await SetSecretsAndAssertTheyArriveSealedAsync(controller, agent, id);

        var dinfo = await DeviceInfoAsync(controller, id, d => d["HSMStatus"] != null);
        Assert.That(dinfo["HSMStatus"]!.GetValue<string>(), Is.EqualTo("NOTFOUND"));
        Assert.That(dinfo["HSMInfo"]!.GetValue<string>(), Does.StartWith("no TPM"));
    }

    [Test]
    public async Task SecretsSetInClear_AreOpenedWithTheEcdhKeyInTheTpm_AndInfoReportsTheTpm()
    {
        using var dir = new TempDir("objcrypto-e2e-tpm");
        await using var swtpm = await SwtpmProcess.StartAsync(dir.Sub("swtpm"));
        await using var controller = await RunningController.StartAsync(dir.Sub("controller"));
        RunningAgent.Provision(controller.BootstrapDir, dir.Sub("config"));
        await using var agent = await RunningAgent.StartAsync(dir.Sub("config"), dir.Sub("persist"), "SN-crypto-tpm", o => o with { Tpm = swtpm.Option });
        var id = await agent.Agent.Onboarded.WaitAsync(TimeSpan.FromSeconds(60));

        await SetSecretsAndAssertTheyArriveSealedAsync(controller, agent, id);

        var dinfo = await DeviceInfoAsync(controller, id, d => d["HSMStatus"] != null);
        Assert.That(dinfo["HSMStatus"]!.GetValue<string>(), Is.EqualTo("ENABLED"));
        Assert.That(dinfo["HSMInfo"]!.GetValue<string>(), Does.Contain("FW Version").And.Contain("TPM key at handle"));
    }

    private static async Task SetSecretsAndAssertTheyArriveSealedAsync(RunningController controller, RunningAgent agent, string id)
    {
        await agent.Agent.FirstConfig.WaitAsync(TimeSpan.FromSeconds(60));
        using var admin = new AdminClient(controller.DataDir);
        var clear = SealedConfigs.Clear();
        clear.Id = null;
        var config = JsonNode.Parse(JsonFormatter.Default.Format(clear))!.AsObject();
        await admin.PutTextAsync($"admin/devices/{id}/config", config.ToJsonString());

        // The ECDH cert may reach the controller before or after the config: either way the device
        // ends up with a sealed config (the controller re-seals when the cert arrives).
        await Eventually.WaitAsync(() => agent.Hub.Current?.Config is { } c && c.Apps.Count == 1 && c.Apps[0].CipherData != null,
            "the agent receives the app with its user data sealed");
        var received = agent.Hub.Current!.Config;
        Assert.That(received.ToString(), Does.Not.Contain(SealedConfigs.Password).And.Not.Contain(SealedConfigs.UserData).And.Not.Contain("wifi-pass"),
            "no secret travels in clear once the device's ECDH cert is known");

        var decryptor = agent.Agent.Context!.Decryptor!;
        var user = decryptor.DecryptUserData(received, received.Apps[0]);
        Assert.That((user.Error, user.UserData), Is.EqualTo(((string?)null, SealedConfigs.UserData)));
        var ds = decryptor.DecryptDatastoreCredentials(received, received.Datastores[0]);
        Assert.That((ds.Error, ds.ApiKey, ds.Password), Is.EqualTo(((string?)null, SealedConfigs.ApiKey, SealedConfigs.Password)));
    }

    private static async Task<JsonObject> DeviceInfoAsync(RunningController controller, string id, Func<JsonObject, bool> ready)
    {
        using var admin = new AdminClient(controller.DataDir);
        return await Eventually.WaitAsync(async () =>
        {
            var all = (await admin.GetAsync($"admin/devices/{id}/info")) as JsonArray;
            var dinfo = all?.FirstOrDefault(i => i!["kind"]!.GetValue<string>() == "ZiDevice")?["message"]?["dinfo"] as JsonObject;
            return dinfo != null && ready(dinfo) ? dinfo : null;
        }, "device info with HSM status");
    }
}
