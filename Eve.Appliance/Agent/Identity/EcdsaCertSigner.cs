using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Api.Envelope;
using HashAlgorithm = Org.Lfedge.Eve.Common.HashAlgorithm;

namespace Eve.Appliance.Agent.Identity;

/// <summary>Signs envelopes with an ECDSA key held in memory and names its cert by the SHA-256 of
/// its DER (WIRE B.2): the onboarding key at register, simulated and test devices.</summary>
internal sealed class EcdsaCertSigner(X509Certificate2 cert, ECDsa key) : IEnvelopeSigner
{
    public ReadOnlyMemory<byte> SenderCertHash { get; } = CertHashes.OfDer(cert);
    public HashAlgorithm HashAlgo => HashAlgorithm.Sha25632Bytes;
    public byte[] SignDigest(ReadOnlySpan<byte> digest) => key.SignHash(digest, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
}
