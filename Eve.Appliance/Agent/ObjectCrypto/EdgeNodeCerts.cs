using System.Security.Cryptography;
using System.Text;
using Eve.Appliance.Agent.ControllerConn;
using Eve.Appliance.Agent.Identity;
using Google.Protobuf;
using Org.Lfedge.Eve.Attest;
using Org.Lfedge.Eve.Certs;

namespace Eve.Appliance.Agent.ObjectCrypto;

/// <summary>
/// The device certs EVE reports with ATTEST_REQ_CERT (tpmmgr's EdgeNodeCert list, sent by zedagent
/// whether or not the device has a TPM): here the ECDH-exchange cert, named like EVE names it —
/// certHash = first 16 bytes of SHA-256 over the exact PEM bytes sent, is_tpm when the ECDH key is
/// in the TPM. The controller needs it to encrypt secrets for this device.
/// </summary>
internal static class EdgeNodeCerts
{
    /// <summary>The bytes of the ECDH cert as the device reports them; cipher contexts name the
    /// device cert by a hash of exactly these bytes.</summary>
    public static byte[] EcdhPem(IDeviceKey key) => Encoding.ASCII.GetBytes(key.EcdhCertificate.ExportCertificatePem());

    public static ZCert Ecdh(IDeviceKey key)
    {
        var pem = EcdhPem(key);
        return new ZCert
        {
            Type = ZCertType.CertTypeDeviceEcdhExchange,
            Cert = ByteString.CopyFrom(pem),
            HashAlgo = Org.Lfedge.Eve.Common.HashAlgorithm.Sha25616Bytes,
            CertHash = ByteString.CopyFrom(SHA256.HashData(pem).AsSpan(0, 16)),
            Attributes = new ZCertAttr { IsTpm = key.IsHardwareBacked },
        };
    }

    /// <summary>Sends the cert list for a device without a TPM (with a TPM the attester sends it,
    /// together with the attestation key and EK certs, in one request).</summary>
    public static async Task SendAsync(DeviceSession session, IDeviceKey key, CancellationToken ct)
    {
        var req = new ZAttestReq { ReqType = ZAttestReqType.AttestReqCert };
        req.Certs.Add(Ecdh(key));
        var (status, body) = await session.PostAsync("attest", req.ToByteArray(), ct).ConfigureAwait(false);
        ControllerClient.Expect(status, body, "attest ATTEST_REQ_CERT", 200, 201);
    }
}
