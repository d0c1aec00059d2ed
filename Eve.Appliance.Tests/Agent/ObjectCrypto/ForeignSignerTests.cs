using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Controller.Pki;
using Eve.Appliance.Tests.Support;

namespace Eve.Appliance.Tests.Agent.ObjectCrypto;

/// <summary>A controller whose config answers are signed by a certificate that does not chain to
/// the device's root: the agent refuses them with a clear error and keeps running on (and keeps)
/// its checkpointed config.</summary>
[TestFixture]
public sealed class ForeignSignerTests
{
    [Test]
    public async Task ConfigSignedByAForeignCert_IsRefused_AndTheAgentKeepsItsCheckpoint()
    {
        using var dir = new TempDir("foreign-signer");
        var dataDir = dir.Sub("controller");
        var controller = await RunningController.StartAsync(dataDir);
        var listen = $"127.0.0.1:{controller.Uri.Port}";
        RunningAgent.Provision(controller.BootstrapDir, dir.Sub("config"));
        await using var agent = await RunningAgent.StartAsync(dir.Sub("config"), dir.Sub("persist"), "SN-foreign", o => o with { Tpm = "none" });
        try
        {
            await agent.Agent.Onboarded.WaitAsync(TimeSpan.FromSeconds(60));
            await agent.Agent.FirstConfig.WaitAsync(TimeSpan.FromSeconds(60));
            var checkpoint = Path.Combine(dir.Sub("persist"), "checkpoint", "lastconfig");
            await Eventually.WaitAsync(() => File.Exists(checkpoint), "config checkpointed");
            var hash = agent.Hub.Current!.Hash;
            var checkpointBytes = File.ReadAllBytes(checkpoint);

            // The controller comes back signing with a key and cert of somebody else's.
            await controller.DisposeAsync();
            ReplaceSigningCert(PkiFiles.In(dataDir));
            controller = await RunningController.StartAsync(dataDir, o => o with { Listen = listen });

            await Eventually.WaitAsync<object>(
                () => Task.FromResult<object?>(agent.Agent.Poller!.LastError?.Contains("does not chain to root-certificate.pem", StringComparison.Ordinal) == true ? new object() : null),
                () => $"the agent refuses the foreign-signed config (last error: {agent.Agent.Poller!.LastError ?? "none"})");
            Assert.That(agent.Hub.Current!.Hash, Is.EqualTo(hash), "still running on the last good config");
            Assert.That(File.ReadAllBytes(checkpoint), Is.EqualTo(checkpointBytes), "the checkpoint is kept");
            Assert.That(agent.Agent.Session!.Certs!.Signing.Subject, Does.Not.Contain("foreign"), "the foreign cert was not adopted");
        }
        finally
        {
            await controller.DisposeAsync();
        }
    }

    private static void ReplaceSigningCert(PkiFiles files)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest("CN=foreign signer", key, HashAlgorithmName.SHA256);
        var now = DateTimeOffset.UtcNow;
        using var cert = req.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        File.WriteAllText(files.SigningCert, cert.ExportCertificatePem() + "\n");
        File.WriteAllText(files.SigningKey, key.ExportPkcs8PrivateKeyPem() + "\n");
    }
}
