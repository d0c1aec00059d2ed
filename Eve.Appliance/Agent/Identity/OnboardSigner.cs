using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Api.Envelope;
using HashAlgorithm = Org.Lfedge.Eve.Common.HashAlgorithm;

namespace Eve.Appliance.Agent.Identity;

/// <summary>Signs the register envelope with the onboarding key (WIRE B.2 step 4).</summary>
internal sealed class OnboardSigner(X509Certificate2 cert, ECDsa key) : IEnvelopeSigner
{
    public ReadOnlyMemory<byte> SenderCertHash { get; } = CertHashes.OfDer(cert);
    public HashAlgorithm HashAlgo => HashAlgorithm.Sha25632Bytes;
    public byte[] SignDigest(ReadOnlySpan<byte> digest) => key.SignHash(digest, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
}
