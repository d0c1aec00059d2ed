using System.Security.Cryptography;
using Google.Protobuf;
using Org.Lfedge.Eve.Attest;

namespace Eve.Appliance.Controller.Devices;

/// <summary>
/// /attest as Adam runs it: a nonce on request, then an integrity token for a quote that carries
/// that nonce. The token gates /config only when the controller enforces it.
/// </summary>
internal sealed class AttestationService(DeviceDirectory devices, Action<string>? log = null, Action<string>? ecdhCertChanged = null)
{
    public ZAttestResponse Handle(string deviceId, ZAttestReq req)
    {
        var doc = devices.Get(deviceId) ?? throw ApiError.NotFound($"unknown device {deviceId}");
        switch (req.ReqType)
        {
            case ZAttestReqType.AttestReqNonce:
                doc.PendingNonce = RandomNumberGenerator.GetBytes(32);
                devices.Update(doc);
                return new ZAttestResponse
                {
                    RespType = ZAttestRespType.AttestRespNonce,
                    Nonce = new ZAttestNonceResp { Nonce = ByteString.CopyFrom(doc.PendingNonce) },
                };
            case ZAttestReqType.AttestReqQuote:
                if (req.Quote == null) throw ApiError.BadRequest("ATTEST_REQ_QUOTE without a quote");
                if (doc.PendingNonce == null || req.Quote.AttestData.Span.IndexOf(doc.PendingNonce) < 0)
                    return QuoteResponse(ZAttestResponseCode.NonceMismatch, null);
                // With an attestation key on file the quote must verify with it; without one
                // (a device that sent no cert) we do as Adam does and check only the nonce.
                if (doc.AttestationCertPem != null && QuoteCheck.QuoteProblem(req.Quote, doc.AttestationCertPem, doc.PendingNonce) is { } problem)
                {
                    log?.Invoke($"device {deviceId}: quote refused: {problem}");
                    return QuoteResponse(ZAttestResponseCode.QuoteFailed, null);
                }
                doc.IntegrityToken = Encoding(RandomNumberGenerator.GetBytes(96));
                doc.PendingNonce = null;
                devices.Update(doc);
                return QuoteResponse(ZAttestResponseCode.Success, doc.IntegrityToken);
            case ZAttestReqType.AttestReqCert:
                var ak = req.Certs.FirstOrDefault(c => c.Type == Org.Lfedge.Eve.Certs.ZCertType.CertTypeDeviceRestrictedSigning);
                if (ak != null)
                {
                    var pem = ak.Cert.ToStringUtf8();
                    if (QuoteCheck.AttestationCertProblem(pem, doc.CertPem) is { } bad) throw ApiError.BadRequest(bad);
                    doc.AttestationCertPem = pem;
                    devices.Update(doc);
                }
                if (Crypto.DeviceEcdhCerts.Accept(devices, doc, req)) ecdhCertChanged?.Invoke(deviceId);
                return new ZAttestResponse { RespType = ZAttestRespType.AttestRespCert };
            case ZAttestReqType.StoreKeys:
                return new ZAttestResponse { RespType = ZAttestRespType.StoreKeys };
            default:
                throw ApiError.BadRequest($"unknown attest request type {req.ReqType}");
        }
    }

    // Adam issues a 128-character random token; base64 of 96 random bytes is exactly that.
    private static byte[] Encoding(byte[] random) => System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(random));

    private static ZAttestResponse QuoteResponse(ZAttestResponseCode code, byte[]? token)
    {
        var resp = new ZAttestQuoteResp { Response = code };
        if (token != null) resp.IntegrityToken = ByteString.CopyFrom(token);
        return new ZAttestResponse { RespType = ZAttestRespType.AttestRespQuoteResp, QuoteResp = resp };
    }
}
