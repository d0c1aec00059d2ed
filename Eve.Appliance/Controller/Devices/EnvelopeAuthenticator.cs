using Eve.Appliance.Api.Envelope;
using Org.Lfedge.Eve.Auth;

namespace Eve.Appliance.Controller.Devices;

/// <summary>
/// Turns a v2 request body into (device, payload): parse the AuthContainer, find the signer by
/// senderCertHash, verify the signature, and check the {uuid} in the path names that same device
/// (Adam ignores the path; we do not, so one device can never post as another).
/// </summary>
internal sealed class EnvelopeAuthenticator(DeviceDirectory devices)
{
    public (KnownDevice Device, AuthContainer Container) Authenticate(ReadOnlySpan<byte> body, string? pathUuid)
    {
        AuthContainer container;
        try
        {
            container = AuthContainers.Parse(body);
        }
        catch (EnvelopeException e)
        {
            throw e.Kind == EnvelopeError.Malformed ? ApiError.BadRequest(e.Message) : ApiError.Unauthorized(e.Message);
        }
        var device = devices.FindByCertHash(container.SenderCertHash.Span)
                     ?? throw ApiError.Unauthorized($"unknown sender: no device has certificate hash {Convert.ToHexStringLower(container.SenderCertHash.Span)}");
        if (!AuthContainers.VerifySignature(container, device.PublicKey))
            throw ApiError.Unauthorized($"signature does not verify with the certificate of device {device.Id}");
        if (pathUuid != null && !string.Equals(pathUuid, device.Id, StringComparison.OrdinalIgnoreCase))
        {
            if (devices.FindById(pathUuid.ToLowerInvariant()) != null)
                throw ApiError.Forbidden($"device {device.Id} may not act for device {pathUuid}");
            throw ApiError.NotFound($"unknown device {pathUuid}");
        }
        return (device, container);
    }
}
