using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Api.Envelope;
using Org.Lfedge.Eve.Certs;

namespace Eve.Appliance.Agent.ControllerConn;

/// <summary>
/// The controller certs from /certs, verified as EVE does (authen.go VerifyLeavesCertChain): exactly
/// one signing cert, at least one ECDH cert, each chaining to root-certificate.pem through the
/// listed intermediates; any other type is refused.
/// </summary>
internal sealed class ControllerCerts
{
    private ControllerCerts(ZControllerCert message, X509Certificate2 signing, byte[] signingPem, X509Certificate2 ecdh, byte[] ecdhPem)
    {
        ConfigHash = HashOfPair(signingPem, ecdhPem);
        Message = message;
        Signing = signing;
        SigningPemText = signingPem;
        SigningHash = SHA256.HashData(signingPem);
        SigningKey = signing.GetECDsaPublicKey() ?? throw new ControllerTrustException("controller signing cert has no EC public key");
        Ecdh = ecdh;
    }

    public ZControllerCert Message { get; }

    /// <summary>What EdgeDevConfig.controllercert_confighash says while the controller uses these
    /// certs: base64url (padded) of SHA-256(signing cert ‖ ECDH cert), as Adam computes it.</summary>
    public string ConfigHash { get; }
    public X509Certificate2 Signing { get; }
    public byte[] SigningPemText { get; }

    /// <summary>SHA-256 of the signing ZCert.cert bytes: what senderCertHash must name.</summary>
    public byte[] SigningHash { get; }

    public ECDsa SigningKey { get; }
    public X509Certificate2 Ecdh { get; }

    public static ControllerCerts Verify(ZControllerCert message, X509Certificate2Collection roots)
    {
        var signing = new List<(X509Certificate2 Cert, byte[] Pem)>();
        var ecdh = new List<(X509Certificate2 Cert, byte[] Pem)>();
        var intermediates = new X509Certificate2Collection();
        foreach (var z in message.Certs)
        {
            X509Certificate2 cert;
            try
            {
                cert = X509Certificate2.CreateFromPem(System.Text.Encoding.ASCII.GetString(z.Cert.Span));
            }
            catch (CryptographicException e)
            {
                throw new ControllerTrustException($"controller cert of type {z.Type} is not a PEM certificate: {e.Message}");
            }
            switch (z.Type)
            {
                case ZCertType.CertTypeControllerSigning: signing.Add((cert, z.Cert.ToByteArray())); break;
                case ZCertType.CertTypeControllerEcdhExchange: ecdh.Add((cert, z.Cert.ToByteArray())); break;
                case ZCertType.CertTypeControllerIntermediate: intermediates.Add(cert); break;
                default: throw new ControllerTrustException($"unknown certificate type {z.Type} in /certs");
            }
        }
        if (signing.Count != 1) throw new ControllerTrustException($"/certs must hold exactly one signing cert, found {signing.Count}");
        if (ecdh.Count == 0) throw new ControllerTrustException("/certs holds no ECDH cert");
        try
        {
            foreach (var leaf in ecdh.Select(e => e.Cert).Prepend(signing[0].Cert)) VerifyChain(leaf, intermediates, roots);
            return new ControllerCerts(message, signing[0].Cert, signing[0].Pem, ecdh[0].Cert, ecdh[0].Pem);
        }
        catch (CryptographicException e)
        {
            // A cert that parses but whose key OpenSSL cannot read (found by the fuzzer): a refusal, not a crash.
            throw new ControllerTrustException($"controller certs from /certs are unusable: {e.Message}");
        }
    }

    public static string HashOfPair(ReadOnlySpan<byte> signingPem, ReadOnlySpan<byte> ecdhPem)
    {
        var both = new byte[signingPem.Length + ecdhPem.Length];
        signingPem.CopyTo(both);
        ecdhPem.CopyTo(both.AsSpan(signingPem.Length));
        return Convert.ToBase64String(SHA256.HashData(both)).Replace('+', '-').Replace('/', '_');
    }

    private static void VerifyChain(X509Certificate2 leaf, X509Certificate2Collection intermediates, X509Certificate2Collection roots)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.ExtraStore.AddRange(intermediates);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (!chain.Build(leaf))
        {
            var why = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()));
            throw new ControllerTrustException($"controller cert '{leaf.Subject}' does not chain to root-certificate.pem: {why}");
        }
    }

    /// <summary>Opens a controller envelope: senderCertHash must name our signing cert and the
    /// signature must verify; otherwise the response is refused (WIRE B.3).</summary>
    public ReadOnlySpan<byte> Open(Org.Lfedge.Eve.Auth.AuthContainer container)
    {
        var hash = container.SenderCertHash.Span;
        if (hash.Length != 16 && hash.Length != 32)
            throw new ControllerTrustException($"response senderCertHash has {hash.Length} bytes; expected 16 or 32");
        if (!AuthContainers.NamesCert(container, SigningHash))
            throw new ControllerTrustException("response is signed by a certificate other than the controller's signing cert");
        if (!AuthContainers.VerifySignature(container, SigningKey))
            throw new ControllerTrustException("response signature does not verify with the controller's signing cert");
        return container.ProtectedPayload.Payload.Span;
    }
}
