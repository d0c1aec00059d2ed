using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Platform.Files;

namespace Eve.Appliance.Controller.Pki;

/// <summary>
/// Issues a new controller signing cert from the root CA (`pki rotate-signing`). A rotation needs
/// no grace window on the controller: from the moment the new cert is in use, a device still
/// holding the old one sees a senderCertHash it does not know, fetches /certs again (EVE's "cert
/// miss"), verifies the new cert against root-certificate.pem and goes on; the config it gets
/// carries a new controllercert_confighash as well. The old cert is kept beside the new one
/// (signing.prev.cert.pem) for audit only; nothing signs with it any more.
/// </summary>
internal static class SigningRotation
{
    public static void IssueNew(PkiFiles files, TimeProvider time)
    {
        if (!File.Exists(files.RootKey))
            throw new InvalidOperationException($"cannot rotate the signing cert: the root CA key {files.RootKey} is not here (it signs the new cert)");
        using var root = X509Certificate2.CreateFromPem(File.ReadAllText(files.RootCert));
        using var rootKey = ECDsa.Create();
        rootKey.ImportFromPem(File.ReadAllText(files.RootKey));
        var serverName = File.Exists(files.ServerNameFile) ? File.ReadAllText(files.ServerNameFile).Trim() : "controller";
        var now = time.GetUtcNow();

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        // The rotation time in the subject makes each signing cert recognisable in logs and info.
        var req = new CertificateRequest($"CN=Eve.Appliance controller signing {serverName} {now:yyyyMMdd'T'HHmmss'Z'}", key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
        req.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        var notBefore = now.AddDays(-1); // backdated against devices with a slow clock, as at init
        using var cert = req.Create(root.SubjectName, X509SignatureGenerator.CreateForECDsa(rootKey), notBefore, notBefore.AddYears(20), serial);

        if (File.Exists(files.SigningCert)) File.Copy(files.SigningCert, Path.Combine(files.Dir, "signing.prev.cert.pem"), overwrite: true);
        // Key first, then cert: a crash between the two leaves a pair that SigningIdentity.Load
        // refuses with a readable error (and rotating again mends it), never a wrong signature.
        AtomicFile.Write(files.SigningKey, System.Text.Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()),
            UnixFileMode.UserRead | UnixFileMode.UserWrite);
        AtomicFile.WriteText(files.SigningCert, cert.ExportCertificatePem() + "\n");
    }
}
