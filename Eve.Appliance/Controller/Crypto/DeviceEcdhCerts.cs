using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Controller.Devices;
using Org.Lfedge.Eve.Attest;
using Org.Lfedge.Eve.Certs;

namespace Eve.Appliance.Controller.Crypto;

/// <summary>
/// Takes the device's ECDH-exchange cert from ATTEST_REQ_CERT (EVE reports it there, with or
/// without a TPM) and keeps it with the device, after checking that it is a P-256 cert issued
/// (signed) by the device cert we registered — otherwise anyone who could post as the device
/// could redirect its secrets to a key of their own. The exact PEM bytes are kept: cipher
/// contexts name the cert by a hash of them.
/// </summary>
internal static class DeviceEcdhCerts
{
    /// <summary>Stores the ECDH cert found in <paramref name="req"/>; true when it changed.</summary>
    public static bool Accept(DeviceDirectory devices, Store.DeviceDoc doc, ZAttestReq req)
    {
        var entry = req.Certs.FirstOrDefault(c => c.Type == ZCertType.CertTypeDeviceEcdhExchange);
        if (entry == null) return false;
        var pem = entry.Cert.ToStringUtf8();
        if (Problem(pem, doc.CertPem) is { } bad) throw ApiError.BadRequest(bad);
        if (doc.EcdhCertPem == pem) return false;
        doc.EcdhCertPem = pem;
        devices.Update(doc);
        return true;
    }

    public static string? Problem(string ecdhPem, string devicePem)
    {
        try
        {
            using var ecdh = X509Certificate2.CreateFromPem(ecdhPem);
            using var device = X509Certificate2.CreateFromPem(devicePem);
            using var key = ecdh.GetECDiffieHellmanPublicKey();
            if (key == null || key.ExportParameters(false).Curve.Oid?.Value != System.Security.Cryptography.ECCurve.NamedCurves.nistP256.Oid.Value)
                return "device ECDH cert must hold a P-256 public key";
            var parser = new Org.BouncyCastle.X509.X509CertificateParser();
            parser.ReadCertificate(ecdh.RawData).Verify(parser.ReadCertificate(device.RawData).GetPublicKey());
            return null;
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or Org.BouncyCastle.Security.InvalidKeyException
                                       or Org.BouncyCastle.Security.Certificates.CertificateException or Org.BouncyCastle.Security.SignatureException
                                       or ArgumentException)
        {
            return $"device ECDH cert is not a certificate signed by the device cert: {e.Message}";
        }
    }
}
