using System.Text.Json.Nodes;
using Eve.Appliance.Cli;
using Eve.Appliance.Platform.Tpm;
using Eve.Appliance.Tests.Support;

namespace Eve.Appliance.Tests.Agent;

/// <summary>Onboarding with the device key held in a (software) TPM: every envelope the controller
/// accepts was signed inside the TPM, and no private key file exists for the device.</summary>
[TestFixture]
public sealed class TpmOnboardingTests
{
    [Test]
    public async Task Agent_WithTpmKey_Attests_AndGetsConfigFromAControllerThatEnforcesTheIntegrityToken()
    {
        using var dir = new TempDir("tpm-attest");
        await using var swtpm = await SwtpmProcess.StartAsync(dir.Sub("swtpm"));
        await using var controller = await RunningController.StartAsync(dir.Sub("controller"), o => o with { EnforceIntegrityToken = true });
        RunningAgent.Provision(controller.BootstrapDir, dir.Sub("config"));
        await using var agent = await RunningAgent.StartAsync(dir.Sub("config"), dir.Sub("persist"), "SN-tpm-2", o => o with { Tpm = swtpm.Option });
        await agent.Agent.Onboarded.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.That(agent.Agent.Attester, Is.Not.Null);
        Assert.That(agent.Agent.Attester!.IntegrityToken.Length, Is.EqualTo(128), "quote verified with the TPM attestation key");
        await agent.Agent.FirstConfig.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.That(agent.Hub.Current!.Source, Is.EqualTo("controller"));
    }

    [Test]
    public async Task Agent_WithTpmKey_OnboardsAndReports_AndNoDevicePrivateKeyFileExists()
    {
        using var dir = new TempDir("tpm-agent");
        await using var swtpm = await SwtpmProcess.StartAsync(dir.Sub("swtpm"));
        await using var controller = await RunningController.StartAsync(dir.Sub("controller"));
        RunningAgent.Provision(controller.BootstrapDir, dir.Sub("config"));
        await using var agent = await RunningAgent.StartAsync(dir.Sub("config"), dir.Sub("persist"), "SN-tpm-1", o => o with { Tpm = swtpm.Option });
        var id = await agent.Agent.Onboarded.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.That(agent.Agent.Key!.IsHardwareBacked, Is.True);

        using var admin = new AdminClient(controller.DataDir);
        await Eventually.WaitAsync(async () => ((await admin.GetAsync($"admin/devices/{id}/info")) as JsonArray)!.Count > 0, "info signed in the TPM accepted");

        // The onboarding key is a shared bootstrap credential; the device's own key must not be a file.
        var keyFiles = Directory.EnumerateFiles(dir.Sub("config"), "*", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(dir.Sub("persist"), "*", SearchOption.AllDirectories))
            .Where(f => File.ReadAllText(f).Contains("PRIVATE KEY") && !f.EndsWith("onboard.key.pem", StringComparison.Ordinal))
            .ToList();
        Assert.That(keyFiles, Is.Empty);
        var device = await admin.GetAsync($"admin/devices/{id}");
        using var cert = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(dir.Sub("config"), "device.cert.pem")));
        Assert.That(device!["certHash"]!.GetValue<string>(), Is.EqualTo(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(cert.RawData))));
    }
}
