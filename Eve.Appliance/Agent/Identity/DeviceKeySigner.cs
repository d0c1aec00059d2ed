using Eve.Appliance.Api.Envelope;
using HashAlgorithm = Org.Lfedge.Eve.Common.HashAlgorithm;

namespace Eve.Appliance.Agent.Identity;

/// <summary>Signs device→controller envelopes: senderCertHash = SHA-256 of the device cert DER.</summary>
internal sealed class DeviceKeySigner(IDeviceKey key) : IEnvelopeSigner
{
    public ReadOnlyMemory<byte> SenderCertHash { get; } = CertHashes.OfDer(key.Certificate);
    public HashAlgorithm HashAlgo => HashAlgorithm.Sha25632Bytes;
    public byte[] SignDigest(ReadOnlySpan<byte> digest) => key.SignDigest(digest);
}
