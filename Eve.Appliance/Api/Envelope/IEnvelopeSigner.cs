using Org.Lfedge.Eve.Common;

namespace Eve.Appliance.Api.Envelope;

/// <summary>Whoever signs AuthContainers: a device key (software or TPM) or the controller.</summary>
internal interface IEnvelopeSigner
{
    /// <summary>The bytes placed in senderCertHash.</summary>
    ReadOnlyMemory<byte> SenderCertHash { get; }

    HashAlgorithm HashAlgo { get; }

    /// <summary>Signs SHA-256(payload) and returns raw r‖s.</summary>
    byte[] SignDigest(ReadOnlySpan<byte> digest);
}
