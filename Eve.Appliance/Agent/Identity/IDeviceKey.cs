using System.Security.Cryptography.X509Certificates;

namespace Eve.Appliance.Agent.Identity;

/// <summary>
/// The device's ECDSA P-256 identity. The private key may live in a file or in a TPM, so callers
/// never see it: they ask for signatures and ECDH secrets.
/// </summary>
internal interface IDeviceKey
{
    /// <summary>Where the key lives, for info and logs ("software key file", "TPM handle 0x81000001").</summary>
    string Description { get; }

    /// <summary>True when the private key cannot leave a TPM.</summary>
    bool IsHardwareBacked { get; }

    /// <summary>The self-signed device certificate (public part only).</summary>
    X509Certificate2 Certificate { get; }

    /// <summary>Signs a SHA-256 digest; returns the signature as raw r‖s (IEEE P1363, 64 bytes),
    /// the form EVE puts in AuthContainer.signatureHash.</summary>
    byte[] SignDigest(ReadOnlySpan<byte> sha256Digest);

    /// <summary>ECDH with a peer's P-256 public key; returns the shared secret's X coordinate.</summary>
    byte[] DeriveSharedSecret(System.Security.Cryptography.ECDiffieHellmanPublicKey peer);

    /// <summary>The certificate of the device's ECDH key (signed by the device key), which the
    /// device reports as CERT_TYPE_DEVICE_ECDH_EXCHANGE so the controller can encrypt for it.</summary>
    X509Certificate2 EcdhCertificate { get; }

    /// <summary>ECDH with the device's ECDH key giving the whole shared point (X and Y, 32 bytes
    /// each): EVE's object-encryption key is SHA-256 over both. In the TPM this is TPM2_ECDH_ZGen.</summary>
    Task<(byte[] X, byte[] Y)> EcdhSharedPointAsync(System.Security.Cryptography.ECParameters peer, CancellationToken ct = default);
}
