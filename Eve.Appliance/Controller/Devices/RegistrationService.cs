using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Eve.Appliance.Controller.Configs;
using Org.Lfedge.Eve.Register;

namespace Eve.Appliance.Controller.Devices;

/// <summary>
/// Register (onboarding) as APIv2.md specifies it: 201 new, 200 repeat with the same device cert,
/// 409 when the onboarding cert and serial already belong to another device cert, 403 when the
/// onboarding cert or serial is not allowed.
/// </summary>
internal sealed class RegistrationService(DeviceDirectory devices, OnboardingService onboarding, ConfigService configs)
{
    /// <summary>Returns true when a new device was created (201), false for a repeat (200).</summary>
    public bool Register(X509Certificate2 onboardCert, ZRegisterMsg msg)
    {
        var onboard = onboarding.Find(onboardCert.RawData)
                      ?? throw ApiError.Forbidden($"onboarding certificate '{onboardCert.Subject}' is not known to this controller (add it with `ctl onboard add`)");
        var serial = msg.Serial.Trim();
        var softSerial = msg.SoftSerial.Trim();
        if (!OnboardingService.Allows(onboard, serial, softSerial))
            throw ApiError.Forbidden($"serial '{serial}' (soft serial '{softSerial}') is not allowed for onboarding certificate '{onboardCert.Subject}'");
        var deviceCert = ParseDeviceCert(msg.PemCert.Span);
        var hashHex = Convert.ToHexStringLower(SHA256.HashData(deviceCert.RawData));

        if (devices.FindByCertHash(Convert.FromHexString(hashHex)) is { } known)
        {
            configs.EnsureDefault(known.Id);
            return false;
        }
        if ((serial != "" || softSerial != "") && devices.FindBySerial(onboard.Id, serial, softSerial) is { } other)
            throw ApiError.Conflict($"serial '{serial}' was already onboarded as device {other.Id} with a different device certificate");
        var (doc, created) = devices.Register(deviceCert, serial, softSerial, onboard.Id);
        configs.EnsureDefault(doc.Id);
        return created;
    }

    /// <summary>ZRegisterMsg.pemCert holds base64 (std) of the PEM file, not the PEM (WIRE A.5).</summary>
    internal static X509Certificate2 ParseDeviceCert(ReadOnlySpan<byte> pemCertField)
    {
        string pem;
        try
        {
            pem = Encoding.ASCII.GetString(Convert.FromBase64String(Encoding.ASCII.GetString(pemCertField)));
        }
        catch (FormatException)
        {
            throw ApiError.BadRequest("pemCert is not base64 of a PEM certificate");
        }
        try
        {
            return X509Certificate2.CreateFromPem(pem);
        }
        catch (CryptographicException e)
        {
            throw ApiError.BadRequest($"pemCert does not hold a certificate: {e.Message}");
        }
    }
}
