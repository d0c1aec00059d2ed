using Eve.Appliance.Platform.Files;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Platform.Tpm;

namespace Eve.Appliance.Agent.Identity;

/// <summary>The device identity held in a TPM: a P-256 ECDSA signing key and a P-256 ECDH key,
/// both primary keys of the owner hierarchy persisted at fixed handles (see
/// <see cref="TpmDeviceKeyHandles"/>). The folder holds only public material: the self-signed
/// device cert (signed in the TPM), the ECDH cert (signed by the device key) and the handle file.
/// The TPM client is borrowed, not owned.</summary>
internal sealed class TpmDeviceKey : IDeviceKey
{
    public const string CertFileName = "device.cert.pem";
    public const string EcdhCertFileName = "ecdh.cert.pem";

    private readonly TpmClient _tpm;
    private readonly TpmAuth _keyAuth;

    private TpmDeviceKey(TpmClient tpm, TpmDeviceKeyHandles handles, TpmAuth keyAuth,
        X509Certificate2 cert, X509Certificate2 ecdhCert)
    {
        _tpm = tpm;
        Handles = handles;
        _keyAuth = keyAuth;
        Certificate = cert;
        EcdhCertificate = ecdhCert;
    }

    public TpmDeviceKeyHandles Handles { get; }
    public string Description => $"TPM key at handle {TpmHandle.Format(Handles.SigningKey)} ({_tpm.Description})";
    public bool IsHardwareBacked => true;
    public X509Certificate2 Certificate { get; }

    /// <summary>The certificate of the ECDH key <see cref="DeriveSharedSecret"/> uses; EVE reports
    /// it to the controller as DEVICE_ECDH_EXCHANGE.</summary>
    public X509Certificate2 EcdhCertificate { get; }

    /// <summary>Signs X.509 structures (e.g. the attestation key's cert) with the device key in the TPM.</summary>
    public X509SignatureGenerator CreateSignatureGenerator()
    {
        using var pub = Certificate.GetECDsaPublicKey()!;
        return new TpmX509SignatureGenerator(_tpm, Handles.SigningKey, _keyAuth, new PublicKey(pub));
    }

    /// <summary>Finds the keys at their handles (creating and persisting them if absent) and the
    /// certificates in <paramref name="folder"/> (creating them if absent or for another key).</summary>
    public static async Task<TpmDeviceKey> LoadOrCreateAsync(TpmClient tpm, string folder, string serial,
        TimeProvider time, TpmDeviceKeyHandles? handles = null, TpmAuth keyAuth = default, CancellationToken ct = default)
    {
        handles ??= Default(folder);
        var signing = await EnsureKeyAsync(tpm, handles.SigningKey, "device signing key",
            TpmTemplates.EccSigningKey, TpmObjectAttributes.Sign, keyAuth, ct).ConfigureAwait(false);
        var ecdh = await EnsureKeyAsync(tpm, handles.EcdhKey, "device ECDH key",
            TpmTemplates.EccEcdhKey, TpmObjectAttributes.Decrypt, keyAuth, ct).ConfigureAwait(false);

        Directory.CreateDirectory(folder);
        AtomicFile.WriteText(Path.Combine(folder, TpmDeviceKeyHandles.FileName), handles.ToJson(), AtomicFile.Public);

        using var signingPub = ECDsa.Create(signing.ToECParameters());
        var generator = new TpmX509SignatureGenerator(tpm, handles.SigningKey, keyAuth, new PublicKey(signingPub));
        var certPath = Path.Combine(folder, CertFileName);
        var cert = DeviceCertificateBuilder.TryLoadPem(certPath);
        if (cert is null || !DeviceCertificateBuilder.HasPublicKey(cert, signing.ToECParameters()))
        {
            cert = DeviceCertificateBuilder.CreateDeviceCertificate(serial, new PublicKey(signingPub), generator, time);
            AtomicFile.WriteText(certPath, cert.ExportCertificatePem() + "\n", AtomicFile.Public);
        }

        var ecdhPath = Path.Combine(folder, EcdhCertFileName);
        var ecdhCert = DeviceCertificateBuilder.TryLoadPem(ecdhPath);
        if (ecdhCert is null || !DeviceCertificateBuilder.HasPublicKey(ecdhCert, ecdh.ToECParameters())
            || ecdhCert.Issuer != cert.Subject)
        {
            using var ecdhPub = ECDiffieHellman.Create(ecdh.ToECParameters());
            ecdhCert = DeviceCertificateBuilder.CreateEcdhCertificate(cert, new PublicKey(ecdhPub), generator, time);
            AtomicFile.WriteText(ecdhPath, ecdhCert.ExportCertificatePem() + "\n", AtomicFile.Public);
        }
        return new TpmDeviceKey(tpm, handles, keyAuth, cert, ecdhCert);
    }

    public byte[] SignDigest(ReadOnlySpan<byte> sha256Digest) =>
        // IDeviceKey is synchronous; the TPM client never captures a context, so blocking is safe.
        SignDigestAsync(sha256Digest.ToArray()).GetAwaiter().GetResult();

    public async Task<byte[]> SignDigestAsync(ReadOnlyMemory<byte> sha256Digest, CancellationToken ct = default)
    {
        var sig = await _tpm.SignAsync(Handles.SigningKey, sha256Digest, _keyAuth, ct).ConfigureAwait(false);
        return sig.ToP1363();
    }

    public byte[] DeriveSharedSecret(ECDiffieHellmanPublicKey peer)
    {
        var p = peer.ExportParameters();
        if (p.Curve.Oid?.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
            throw new ArgumentException($"the device ECDH key is P-256; the peer key is on curve {p.Curve.Oid?.FriendlyName ?? "unknown"}", nameof(peer));
        var z = _tpm.EcdhZGenAsync(Handles.EcdhKey, TpmEccPoint.From(p.Q), _keyAuth).GetAwaiter().GetResult();
        var secret = new byte[32];
        var x = z.X.AsSpan().TrimStart((byte)0); // the TPM may strip leading zeros
        x.CopyTo(secret.AsSpan(secret.Length - x.Length));
        return secret;
    }

    public async Task<(byte[] X, byte[] Y)> EcdhSharedPointAsync(ECParameters peer, CancellationToken ct = default)
    {
        if (peer.Curve.Oid?.Value is { } oid && oid != ECCurve.NamedCurves.nistP256.Oid.Value)
            throw new ArgumentException($"the device ECDH key is P-256; the peer key is on curve {peer.Curve.Oid?.FriendlyName ?? "unknown"}", nameof(peer));
        // Coordinates go in at full curve size: some TPMs refuse a point whose leading zero was
        // dropped ("point is not on the required curve"), as EVE notes in evetpm.
        var z = await _tpm.EcdhZGenAsync(Handles.EcdhKey, new TpmEccPoint(Pad(peer.Q.X!), Pad(peer.Q.Y!)), _keyAuth, ct).ConfigureAwait(false);
        return (Pad(z.X), Pad(z.Y));
    }

    private static byte[] Pad(byte[] coordinate)
    {
        var v = coordinate.AsSpan().TrimStart((byte)0);
        var out32 = new byte[32];
        v.CopyTo(out32.AsSpan(32 - v.Length));
        return out32;
    }

    private static TpmDeviceKeyHandles Default(string folder)
    {
        var path = Path.Combine(folder, TpmDeviceKeyHandles.FileName);
        return File.Exists(path) ? TpmDeviceKeyHandles.FromJson(File.ReadAllText(path), path) : TpmDeviceKeyHandles.Default;
    }

    /// <summary>Reads the key at <paramref name="handle"/>; creates and persists it if the handle is
    /// empty. A handle holding some other object is an error: silently replacing it could destroy
    /// somebody's identity.</summary>
    private static async Task<TpmPublic> EnsureKeyAsync(TpmClient tpm, uint handle, string what,
        Func<byte[]?, TpmPublic> template, TpmObjectAttributes use, TpmAuth keyAuth, CancellationToken ct)
    {
        try
        {
            var existing = await tpm.ReadPublicAsync(handle, ct).ConfigureAwait(false);
            var p = existing.Public;
            if (p.Type != TpmAlg.Ecc || p.Curve != TpmEccCurve.NistP256 || (p.Attributes & use) == 0
                || (p.Attributes & TpmObjectAttributes.Restricted) != 0)
                throw new InvalidOperationException(
                    $"TPM handle {TpmHandle.Format(handle)} holds an object that is not a P-256 {what} " +
                    $"(type {p.Type}, curve {p.Curve}, attributes {p.Attributes}); evict it " +
                    $"(tpm2_evictcontrol -C o -c {TpmHandle.Format(handle)}) or configure another handle");
            return p;
        }
        catch (TpmException e) when (e.ResponseCode.BaseCode == 0x08B) // TPM_RC_HANDLE: nothing persisted there
        {
        }
        // A random unique field gives a fresh key: primary keys are otherwise derived
        // deterministically from the hierarchy seed and the template.
        var unique = await tpm.GetRandomAsync(32, ct).ConfigureAwait(false);
        var key = await tpm.CreatePrimaryAsync(TpmHandle.Owner, template(unique), keyAuth, ct: ct).ConfigureAwait(false);
        try
        {
            await tpm.PersistAsync(key.Handle, handle, ct: ct).ConfigureAwait(false);
        }
        finally
        {
            await tpm.FlushContextAsync(key.Handle, ct).ConfigureAwait(false);
        }
        return key.Public;
    }
}
