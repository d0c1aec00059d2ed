using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Agent.ControllerConn;
using Eve.Appliance.Controller.Pki;
using Eve.Appliance.Tests.Support;

namespace Eve.Appliance.Tests.Controller.Pki;

[TestFixture]
public sealed class SigningRotationTests
{
    [Test]
    public void RotateSigning_IssuesANewCertUnderTheSameRoot_AndEverythingDerivedFollows()
    {
        using var dir = new TempDir("pki-rotate");
        PkiInitializer.Init(dir.Path, "ctl.example");
        using var pki = ControllerPki.Load(dir.Path);
        var oldHash = pki.CertsConfigHash;
        var oldSender = pki.SenderCertHash.ToArray();
        var oldCerts = pki.CertsSigned;

        var signer = pki.RotateSigning(TimeProvider.System);

        Assert.That(pki.CertsConfigHash, Is.Not.EqualTo(oldHash));
        Assert.That(pki.SenderCertHash.ToArray(), Is.Not.EqualTo(oldSender));
        Assert.That(pki.CertsSigned, Is.Not.EqualTo(oldCerts));
        // The device's own verification of the new /certs: chains to the root, hash agrees.
        var verified = ControllerCerts.Verify(pki.CertsMessage, [pki.Root]);
        Assert.That(verified.Signing.Thumbprint, Is.EqualTo(signer.Cert.Thumbprint));
        Assert.That(verified.ConfigHash, Is.EqualTo(pki.CertsConfigHash));
        Assert.That(File.Exists(Path.Combine(pki.Files.Dir, "signing.prev.cert.pem")), Is.True);
        Assert.That(File.GetUnixFileMode(pki.Files.SigningKey), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));

        using var reloaded = ControllerPki.Load(dir.Path);
        Assert.That(reloaded.Signing.Thumbprint, Is.EqualTo(signer.Cert.Thumbprint), "persisted for the next start");
    }

    [Test]
    public void InterruptedRotation_KeyWithoutItsCert_IsRefusedWithAReadableError()
    {
        using var dir = new TempDir("pki-rotate-half");
        PkiInitializer.Init(dir.Path, "ctl.example");
        var files = PkiFiles.In(dir.Path);
        var oldCert = File.ReadAllText(files.SigningCert);
        SigningRotation.IssueNew(files, TimeProvider.System);
        File.WriteAllText(files.SigningCert, oldCert); // as if the cert's rename never happened

        var e = Assert.Throws<InvalidOperationException>(() => ControllerPki.Load(dir.Path).Dispose());
        Assert.That(e!.Message, Does.Contain("does not belong to signing cert").And.Contain("rotate-signing"));
    }

    [Test]
    public void RotateSigning_CliWithoutARunningController_WritesTheNewPair()
    {
        using var dir = new TempDir("pki-rotate-cli");
        PkiInitializer.Init(dir.Path, "ctl.example");
        var before = X509Certificate2.CreateFromPem(File.ReadAllText(PkiFiles.In(dir.Path).SigningCert));
        var code = Eve.Appliance.Cli.PkiCommand.Run(new Eve.Appliance.Cli.Args(["pki", "rotate-signing", "--data-dir", dir.Path]));
        Assert.That(code, Is.EqualTo(Eve.Appliance.Cli.ExitCode.Ok));
        using var pki = ControllerPki.Load(dir.Path);
        Assert.That(pki.Signing.Thumbprint, Is.Not.EqualTo(before.Thumbprint));
        Assert.That(ControllerCerts.Verify(pki.CertsMessage, [pki.Root]).Signing.Thumbprint, Is.EqualTo(pki.Signing.Thumbprint));
    }
}
