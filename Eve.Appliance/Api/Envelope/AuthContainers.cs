using System.Security.Cryptography;
using Google.Protobuf;
using Org.Lfedge.Eve.Auth;
using HashAlgorithm = Org.Lfedge.Eve.Common.HashAlgorithm;

namespace Eve.Appliance.Api.Envelope;

/// <summary>
/// Seals and opens EVE's AuthContainer (WIRE.md Part B): the signature is ECDSA P-256 over
/// SHA-256(payload) only, as raw r‖s; verification also accepts ASN.1 DER as Adam does.
/// </summary>
internal static class AuthContainers
{
    public static AuthContainer Seal(ReadOnlySpan<byte> payload, IEnvelopeSigner signer, ByteString? senderCert = null)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(payload, digest);
        var container = new AuthContainer
        {
            ProtectedPayload = new AuthBody { Payload = ByteString.CopyFrom(payload) },
            Algo = signer.HashAlgo,
            SenderCertHash = ByteString.CopyFrom(signer.SenderCertHash.Span),
            SignatureHash = ByteString.CopyFrom(signer.SignDigest(digest)),
        };
        if (senderCert != null) container.SenderCert = senderCert;
        return container;
    }

    public static AuthContainer Seal(IMessage payload, IEnvelopeSigner signer, ByteString? senderCert = null) =>
        Seal(payload.ToByteArray(), signer, senderCert);

    /// <summary>Parses an AuthContainer; malformed input becomes <see cref="EnvelopeError.Malformed"/>.</summary>
    public static AuthContainer Parse(ReadOnlySpan<byte> body)
    {
        AuthContainer container;
        try
        {
            container = AuthContainer.Parser.ParseFrom(body);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new EnvelopeException(EnvelopeError.Malformed, $"body is not an AuthContainer: {e.Message}");
        }
        if (container.ProtectedPayload == null)
            throw new EnvelopeException(EnvelopeError.Malformed, "AuthContainer has no protectedPayload");
        if (container.SenderCertHash.IsEmpty)
            throw new EnvelopeException(EnvelopeError.Unauthenticated, "AuthContainer has no senderCertHash");
        if (container.SignatureHash.IsEmpty)
            throw new EnvelopeException(EnvelopeError.Unauthenticated, "AuthContainer has no signature");
        return container;
    }

    /// <summary>True when the signature over SHA-256(payload) verifies with <paramref name="key"/>.</summary>
    public static bool VerifySignature(AuthContainer container, ECDsa key)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(container.ProtectedPayload.Payload.Span, digest);
        var sig = container.SignatureHash.Span;
        // EVE signs raw r‖s; Adam also accepts DER, so do we.
        if (sig.Length == 64 && key.VerifyHash(digest, sig, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
            return true;
        try
        {
            return key.VerifyHash(digest, sig, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>Does <paramref name="senderCertHash"/> name the cert whose full SHA-256 is
    /// <paramref name="fullHash"/>, under the container's algo (16- or 32-byte truncation)?</summary>
    public static bool NamesCert(AuthContainer container, ReadOnlySpan<byte> fullHash) => container.Algo switch
    {
        HashAlgorithm.Sha25632Bytes => container.SenderCertHash.Span.SequenceEqual(fullHash),
        HashAlgorithm.Sha25616Bytes => container.SenderCertHash.Length == 16 && container.SenderCertHash.Span.SequenceEqual(fullHash[..16]),
        _ => false,
    };
}
