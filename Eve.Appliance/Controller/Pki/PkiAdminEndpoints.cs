using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Eve.Appliance.Controller.Pki;

/// <summary>The operator's PKI calls on the admin socket: rotating the signing cert of a running
/// controller (what `eve-appliance pki rotate-signing` uses when the controller is up).</summary>
internal static class PkiAdminEndpoints
{
    public sealed record RotationAnswer(string Subject, string SenderCertHash, string CertsConfigHash, DateTimeOffset NotAfter);

    public static void MapPkiAdmin(this IEndpointRouteBuilder app, ControllerPki pki, TimeProvider time, ILogger log)
    {
        app.MapPost("/admin/pki/rotate-signing", () =>
        {
            var signer = pki.RotateSigning(time);
            log.LogInformation("controller signing cert rotated: now '{Subject}' (controllercert_confighash {Hash})", signer.Cert.Subject, pki.CertsConfigHash);
            return Results.Ok(Answer(pki));
        });
        app.MapGet("/admin/pki/signing", () => Results.Ok(Answer(pki)));
    }

    public static RotationAnswer Answer(ControllerPki pki)
    {
        var signer = pki.Signer;
        return new RotationAnswer(signer.Cert.Subject, Convert.ToHexStringLower(signer.SenderCertHash.Span), pki.CertsConfigHash, signer.Cert.NotAfter.ToUniversalTime());
    }
}
