using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Api.Envelope;
using HashAlgorithm = Org.Lfedge.Eve.Common.HashAlgorithm;

namespace Eve.Appliance.Sim;

/// <summary>Signs a simulated device's envelopes as EVE does: raw r‖s over SHA-256(payload).</summary>
internal sealed class SimSigner(ECDsa key, X509Certificate2 cert) : IEnvelopeSigner
{
    public ReadOnlyMemory<byte> SenderCertHash { get; } = CertHashes.OfDer(cert);
    public HashAlgorithm HashAlgo => HashAlgorithm.Sha25632Bytes;
    public byte[] SignDigest(ReadOnlySpan<byte> digest) => key.SignHash(digest, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
}
