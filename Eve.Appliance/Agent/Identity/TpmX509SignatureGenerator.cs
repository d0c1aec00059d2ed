using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Platform.Tpm;

namespace Eve.Appliance.Agent.Identity;

/// <summary>Lets <see cref="CertificateRequest"/> sign a certificate with a key that never leaves
/// the TPM: .NET hashes nothing itself here, so we SHA-256 the TBSCertificate, have the TPM sign
/// the digest, and return the DER (r,s) sequence X.509 wants.</summary>
internal sealed class TpmX509SignatureGenerator(TpmClient tpm, uint keyHandle, TpmAuth keyAuth, PublicKey publicKey)
    : X509SignatureGenerator
{
    /// <summary>AlgorithmIdentifier ecdsa-with-SHA256 (1.2.840.10045.4.3.2), parameters absent (RFC 5758).</summary>
    private static readonly byte[] EcdsaWithSha256 = Convert.FromHexString("300A06082A8648CE3D040302");

    public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm) =>
        hashAlgorithm == HashAlgorithmName.SHA256
            ? (byte[])EcdsaWithSha256.Clone()
            : throw new ArgumentOutOfRangeException(nameof(hashAlgorithm), hashAlgorithm, "the TPM device key signs SHA-256 only");

    public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm)
    {
        if (hashAlgorithm != HashAlgorithmName.SHA256)
            throw new ArgumentOutOfRangeException(nameof(hashAlgorithm), hashAlgorithm, "the TPM device key signs SHA-256 only");
        // CertificateRequest is synchronous; the TPM client never captures a context, so blocking is safe.
        var sig = tpm.SignAsync(keyHandle, SHA256.HashData(data), keyAuth).GetAwaiter().GetResult();
        return sig.ToDer();
    }

    protected override PublicKey BuildPublicKey() => publicKey;
}
