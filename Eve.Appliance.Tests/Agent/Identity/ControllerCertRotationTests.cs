using System.Text.Json.Nodes;
using Eve.Appliance.Cli;
using Eve.Appliance.Controller.Pki;
using Eve.Appliance.Tests.Support;

namespace Eve.Appliance.Tests.Agent.Identity;

/// <summary>
/// The controller rotates its signing cert while the device runs (over real TLS): the device
/// fetches /certs again, verifies the new chain against root-certificate.pem, persists it, and
/// carries on with new configs signed by the new cert; its log (at the controller) says so.
/// </summary>
[TestFixture]
public sealed class ControllerCertRotationTests
{
    [Test]
    public async Task SigningCertRotatedOnTheController_AgentPicksItUp_AndKeepsApplyingConfigs()
    {
        using var dir = new TempDir("cert-rotation");
        string hash;
        string newSubject;
        await using (var controller = await RunningController.StartAsync(dir.Sub("controller")))
        {
            RunningAgent.Provision(controller.BootstrapDir, dir.Sub("config"));
            await using var agent = await RunningAgent.StartAsync(dir.Sub("config"), dir.Sub("persist"), "SN-rotate", o => o with { Tpm = "none" });
            var id = await agent.Agent.Onboarded.WaitAsync(TimeSpan.FromSeconds(60));
            await agent.Agent.FirstConfig.WaitAsync(TimeSpan.FromSeconds(60));
            var oldSubject = agent.Agent.Session!.Certs!.Signing.Subject;
            var oldConfigHash = agent.Hub.Current!.Config.ControllercertConfighash;
            Assert.That(oldConfigHash, Is.EqualTo(agent.Agent.Session.Certs.ConfigHash), "device computes the controller's controllercert_confighash");

            // What `eve-appliance pki rotate-signing --data-dir D` does with the controller running.
            using var admin = new AdminClient(controller.DataDir);
            var rotated = await admin.PostTextAsync("admin/pki/rotate-signing", "{}");
            newSubject = rotated!["subject"]!.GetValue<string>();
            Assert.That(newSubject, Is.Not.EqualTo(oldSubject));

            hash = await SetItemAsync(admin, id, "app.test.after-rotation", "1");
            await Eventually.WaitAsync(() => agent.Hub.Current?.Hash == hash, () => $"agent applies the config signed by the new cert (last error: {agent.Agent.Poller!.LastError ?? "none"})");
            Assert.That(agent.Agent.Session.Certs.Signing.Subject, Is.EqualTo(newSubject));
            Assert.That(agent.Hub.Current!.Config.ControllercertConfighash, Is.Not.EqualTo(oldConfigHash).And.EqualTo(agent.Agent.Session.Certs.ConfigHash));
            await Eventually.WaitAsync(async () => ((JsonArray)(await admin.GetAsync($"admin/devices/{id}/logs?text={Uri.EscapeDataString("picked up the controller signing cert")}"))!)
                .Any(l => l!["content"]!.GetValue<string>().Contains(newSubject, StringComparison.Ordinal)), "the device's log at the controller names the new signing cert");
        }

        // Persisted: offline, the agent verifies its checkpoint (signed by the new cert) with the stored certs.
        await using var offline = await RunningAgent.StartAsync(dir.Sub("config"), dir.Sub("persist"), "SN-rotate", o => o with { Tpm = "none" });
        await offline.Agent.FirstConfig.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(offline.Hub.Current!.Source, Is.EqualTo("checkpoint"));
        Assert.That(offline.Hub.Current.Hash, Is.EqualTo(hash));
        Assert.That(offline.Agent.Session!.Certs!.Signing.Subject, Is.EqualTo(newSubject));
    }

    [Test]
    public async Task ConfigNamingOtherCerts_MakesTheDeviceFetchCertsOnce()
    {
        using var dir = new TempDir("cert-hash");
        await using var controller = await RunningController.StartAsync(dir.Sub("controller"));
        RunningAgent.Provision(controller.BootstrapDir, dir.Sub("config"));
        // No polling after the first config, so only the calls below talk to /certs.
        await using var agent = await RunningAgent.StartAsync(dir.Sub("config"), dir.Sub("persist"), "SN-certhash",
            o => o with { Tpm = "none", ConfigIntervalOverride = TimeSpan.FromHours(1) });
        await agent.Agent.Onboarded.WaitAsync(TimeSpan.FromSeconds(60));
        await agent.Agent.FirstConfig.WaitAsync(TimeSpan.FromSeconds(60));
        var session = agent.Agent.Session!;
        var certsFile = Path.Combine(dir.Sub("persist"), "certs", "controller-certs.pb");
        var before = File.ReadAllBytes(certsFile);

        Assert.That(await session.FollowCertsHashAsync(session.Certs!.ConfigHash, CancellationToken.None), Is.False, "same certs: nothing fetched");

        var signer = controller.Server.Pki!.RotateSigning(TimeProvider.System);
        Assert.That(await session.FollowCertsHashAsync(controller.Server.Pki.CertsConfigHash, CancellationToken.None), Is.True, "new hash: /certs fetched");
        Assert.That(session.Certs!.Signing.Thumbprint, Is.EqualTo(signer.Cert.Thumbprint));
        Assert.That(session.Certs.ConfigHash, Is.EqualTo(controller.Server.Pki.CertsConfigHash));
        Assert.That(File.ReadAllBytes(certsFile), Is.Not.EqualTo(before), "the new certs are persisted");

        // A controller that hashes differently (Adam hashes its files) costs one fetch per change, not one per poll.
        Assert.That(await session.FollowCertsHashAsync("hash-of-cert-files", CancellationToken.None), Is.True);
        Assert.That(await session.FollowCertsHashAsync("hash-of-cert-files", CancellationToken.None), Is.False);
    }

    private static async Task<string> SetItemAsync(AdminClient admin, string id, string key, string value)
    {
        var config = (await admin.GetAsync($"admin/devices/{id}/config"))!["config"]!.AsObject();
        var items = config["configItems"] as JsonArray ?? [];
        items.Add(new JsonObject { ["key"] = key, ["value"] = value });
        config["configItems"] = items.DeepClone();
        return (await admin.PutTextAsync($"admin/devices/{id}/config", config.ToJsonString()))!["hash"]!.GetValue<string>();
    }
}
