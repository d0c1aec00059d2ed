using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Agent.ControllerConn;
using Eve.Appliance.Agent.Identity;
using Eve.Appliance.Platform.Tpm;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Org.Lfedge.Eve.Attest;
using Org.Lfedge.Eve.Certs;

namespace Eve.Appliance.Agent.Attestation;

/// <summary>
/// EVE's attestation with a TPM: send the attestation-key cert (signed by the device key) and the
/// EK certs, ask for a nonce, quote PCRs 0–15 over it, and keep the integrity token the controller
/// issues; config requests carry it. Without a TPM there is nothing to attest, as in EVE.
/// </summary>
internal sealed class TpmAttester(DeviceSession session, TpmClient tpm, TpmDeviceKey deviceKey, TimeProvider time, ILogger log)
{
    public ReadOnlyMemory<byte> IntegrityToken { get; private set; }

    public async Task AttestAsync(CancellationToken ct)
    {
        var attestation = new TpmAttestation(tpm);
        var ak = await attestation.EnsureAttestationKeyAsync(ct: ct).ConfigureAwait(false);
        var akCert = AttestationKeyCert(ak);
        var certs = CertRequest(akCert, await attestation.ReadEkCertificatesAsync(ct).ConfigureAwait(false), deviceKey);
        await SendAsync(certs, ct).ConfigureAwait(false);

        var nonceResp = await SendAsync(new ZAttestReq { ReqType = ZAttestReqType.AttestReqNonce }, ct).ConfigureAwait(false);
        var nonce = nonceResp.Nonce?.Nonce.ToByteArray() ?? throw new ControllerTrustException("attest: the controller sent no nonce");
        var quote = await attestation.QuoteAsync(ak.Handle, nonce, ct: ct).ConfigureAwait(false);
        var zquote = new ZAttestQuote
        {
            AttestData = ByteString.CopyFrom(quote.Quote.Attest),
            Signature = ByteString.CopyFrom(quote.Quote.Signature.ToP1363()),
        };
        foreach (var (index, value) in quote.PcrValues.OrderBy(p => p.Key))
            zquote.PcrValues.Add(new TpmPCRValue { Index = (uint)index, HashAlgo = TpmHashAlgo.Sha256, Value = ByteString.CopyFrom(value) });
        var resp = await SendAsync(new ZAttestReq { ReqType = ZAttestReqType.AttestReqQuote, Quote = zquote }, ct).ConfigureAwait(false);
        if (resp.QuoteResp?.Response != ZAttestResponseCode.Success)
            throw new ControllerRefusedException(403, $"attest: the controller did not accept the quote ({resp.QuoteResp?.Response})");
        IntegrityToken = resp.QuoteResp.IntegrityToken.ToByteArray();
        log.LogInformation("attested: PCR quote accepted, integrity token received");
    }

    /// <summary>ATTEST_REQ_CERT as EVE sends it: the attestation key's cert, the ECDH-exchange cert,
    /// and the EK certs — only RSA ones, since the wire type is DEVICE_ENDORSEMENT_RSA and EVE
    /// reports only the RSA EK.</summary>
    internal static ZAttestReq CertRequest(X509Certificate2 akCert, IEnumerable<TpmEkCertificate> eks, IDeviceKey deviceKey)
    {
        var certs = new ZAttestReq { ReqType = ZAttestReqType.AttestReqCert };
        certs.Certs.Add(Entry(akCert, ZCertType.CertTypeDeviceRestrictedSigning));
        certs.Certs.Add(ObjectCrypto.EdgeNodeCerts.Ecdh(deviceKey));
        foreach (var ek in eks)
        {
            using var rsa = ek.Certificate.GetRSAPublicKey();
            if (rsa != null) certs.Certs.Add(Entry(ek.Certificate, ZCertType.CertTypeDeviceEndorsementRsa));
        }
        return certs;
    }

    private async Task<ZAttestResponse> SendAsync(ZAttestReq req, CancellationToken ct)
    {
        var (status, body) = await session.PostAsync("attest", req.ToByteArray(), ct).ConfigureAwait(false);
        ControllerClient.Expect(status, body, $"attest {req.ReqType}", 200, 201);
        return ZAttestResponse.Parser.ParseFrom(await session.OpenAsync(body, "attest", ct).ConfigureAwait(false));
    }

    /// <summary>The attestation key's cert: issued by the device cert and signed in the TPM, so
    /// the controller ties the quoting key to the device it already knows.</summary>
    private X509Certificate2 AttestationKeyCert(TpmKey ak)
    {
        var pub = ECDsa.Create(ak.Public.ToECParameters());
        var req = new CertificateRequest(deviceKey.Certificate.SubjectName, pub, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var signer = deviceKey.CreateSignatureGenerator();
        var now = time.GetUtcNow().AddDays(-1);
        return req.Create(deviceKey.Certificate.SubjectName, signer, now, now.AddYears(20), RandomNumberGenerator.GetBytes(16));
    }

    private static ZCert Entry(X509Certificate2 cert, ZCertType type)
    {
        var pem = System.Text.Encoding.ASCII.GetBytes(cert.ExportCertificatePem());
        return new ZCert
        {
            Type = type,
            Cert = ByteString.CopyFrom(pem),
            HashAlgo = Org.Lfedge.Eve.Common.HashAlgorithm.Sha25616Bytes,
            CertHash = ByteString.CopyFrom(SHA256.HashData(pem).AsSpan(0, 16)),
            Attributes = new ZCertAttr { IsTpm = true },
        };
    }
}
