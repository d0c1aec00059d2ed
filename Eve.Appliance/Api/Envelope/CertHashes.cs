using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Eve.Appliance.Api.Envelope;

/// <summary>
/// The certificate hashes EVE puts on the wire (WIRE.md B.2, A.6). Devices are named by SHA-256 of
/// their cert's DER; the controller's signing cert is named by SHA-256 of its trimmed PEM *text*,
/// exactly the bytes it sends in ZCert.cert, so both sides hash the same bytes.
/// </summary>
internal static class CertHashes
{
    public static byte[] OfDer(X509Certificate2 cert) => SHA256.HashData(cert.RawData);

    public static byte[] OfPemText(ReadOnlySpan<byte> trimmedPem) => SHA256.HashData(trimmedPem);

    /// <summary>The PEM text of one certificate, without surrounding whitespace, as ASCII bytes.</summary>
    public static byte[] TrimmedPem(X509Certificate2 cert) =>
        Encoding.ASCII.GetBytes(cert.ExportCertificatePem().Trim());

    public static string Hex(ReadOnlySpan<byte> hash) => Convert.ToHexStringLower(hash);
}
