using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Agent.Identity;
using Eve.Appliance.Api.Cipher;
using Eve.Appliance.Platform.Tpm;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Org.Lfedge.Eve.Certs;
using Org.Lfedge.Eve.Common;
using Org.Lfedge.Eve.Config;
using HashAlgorithm = Org.Lfedge.Eve.Common.HashAlgorithm;

namespace Eve.Appliance.Agent.ObjectCrypto;

/// <summary>
/// The device side of EVE's object-level encryption (pkg/pillar/cipher): find the block's cipher
/// context in the config, check it names this device's ECDH cert and one of the controller's ECDH
/// certs from /certs, derive the AES key by ECDH (in the TPM when the ECDH key is there), decrypt
/// with AES-256-CFB and check the clear text's SHA-256. Derived keys are cached per cipher context
/// (controller cert, device cert), so the TPM is asked once per context, not once per object.
/// </summary>
internal sealed class ObjectDecryptor(IDeviceKey key, Func<ZControllerCert?> controllerCerts, ILogger log) : IObjectDecryptor
{
    private readonly ConcurrentDictionary<string, byte[]> _keys = new(StringComparer.Ordinal);
    private readonly byte[] _devicePem = EdgeNodeCerts.EcdhPem(key);

    public CipherOutcome Decrypt(EdgeDevConfig config, CipherBlock block, string objectName)
    {
        var outcome = TryDecrypt(config, block, objectName);
        if (outcome.Error != null) log.LogWarning("object decryption failed: {Error}", outcome.Error);
        return outcome;
    }

    public DatastoreSecret DecryptDatastoreCredentials(EdgeDevConfig config, DatastoreConfig datastore)
    {
        if (!HasCipher(datastore.CipherData)) return new DatastoreSecret(datastore.ApiKey, datastore.Password, null);
        var o = Decrypt(config, datastore.CipherData, $"datastore {datastore.Id} credentials");
        return o.Block is { } b ? new DatastoreSecret(b.DsAPIKey, b.DsPassword, null) : new DatastoreSecret(datastore.ApiKey, datastore.Password, o.Error);
    }

    public UserDataSecret DecryptUserData(EdgeDevConfig config, AppInstanceConfig app)
    {
        if (!HasCipher(app.CipherData)) return new UserDataSecret(app.UserData, null);
        var name = app.Displayname != "" ? $"'{app.Displayname}'" : app.Uuidandversion?.Uuid ?? "?";
        var o = Decrypt(config, app.CipherData, $"app {name} user data");
        return o.Block is { } b ? new UserDataSecret(b.ProtectedUserData, null) : new UserDataSecret(app.UserData, o.Error);
    }

    public WifiSecret DecryptWifiCredentials(EdgeDevConfig config, WifiConfig wifi)
    {
        if (!HasCipher(wifi.CipherData)) return new WifiSecret(wifi.Identity, wifi.Password, null);
        var o = Decrypt(config, wifi.CipherData, $"Wi-Fi '{wifi.WifiSSID}' credentials");
        return o.Block is { } b ? new WifiSecret(b.WifiUserName, b.WifiPassword, null) : new WifiSecret(wifi.Identity, wifi.Password, o.Error);
    }

    private static bool HasCipher(CipherBlock? block) => block != null && (block.CipherContextId != "" || !block.CipherData.IsEmpty);

    private CipherOutcome TryDecrypt(EdgeDevConfig config, CipherBlock block, string what)
    {
        if (block.CipherData.IsEmpty) return CipherOutcome.Failed($"{what}: the encrypted block is empty (no cipherData)");
        var context = config.CipherContexts.FirstOrDefault(c => c.ContextId == block.CipherContextId);
        if (context == null)
            return CipherOutcome.Failed($"{what}: cipher context '{block.CipherContextId}' is not in the config's cipherContexts; the controller sent an incomplete config");
        if (context.KeyExchangeScheme != KeyExchangeScheme.KeaEcdh)
            return CipherOutcome.Failed($"{what}: cipher context '{context.ContextId}' uses key exchange {context.KeyExchangeScheme}; only KEA_ECDH is supported");
        if (context.EncryptionScheme != EncryptionScheme.SaAes256Cfb)
            return CipherOutcome.Failed($"{what}: cipher context '{context.ContextId}' uses encryption {context.EncryptionScheme}; only SA_AES_256_CFB is supported");
        if (!HashMatches(_devicePem, context.DeviceCertHash.Span, context.HashScheme))
            return CipherOutcome.Failed($"{what}: encrypted for device cert {Convert.ToHexStringLower(context.DeviceCertHash.Span)}, which is not this device's ECDH cert " +
                $"({Convert.ToHexStringLower(SHA256.HashData(_devicePem).AsSpan(0, 16))}); the controller must re-encrypt with the ECDH cert the device reported");
        if (block.InitialValue.Length != EveObjectCipher.IvSize)
            return CipherOutcome.Failed($"{what}: initial value has {block.InitialValue.Length} bytes; AES-CFB needs {EveObjectCipher.IvSize}");

        byte[] aesKey;
        try
        {
            aesKey = SessionKey(context);
        }
        catch (Exception e) when (e is CryptographicException or TpmException or InvalidOperationException or ArgumentException)
        {
            return CipherOutcome.Failed($"{what}: cannot derive the key for cipher context '{context.ContextId}': {e.Message}");
        }
        var clear = EveObjectCipher.Decrypt(aesKey, block.InitialValue.Span, block.CipherData.Span);
        if (block.ClearTextSha256.IsEmpty || !SHA256.HashData(clear).AsSpan().SequenceEqual(block.ClearTextSha256.Span))
            return CipherOutcome.Failed($"{what}: decrypted data does not match clearTextSha256 (wrong key or damaged data); check that the controller encrypted it for this device's current ECDH cert");
        try
        {
            return new CipherOutcome(EncryptionBlock.Parser.ParseFrom(clear), null);
        }
        catch (InvalidProtocolBufferException e)
        {
            return CipherOutcome.Failed($"{what}: decrypted data is not an EncryptionBlock: {e.Message}");
        }
    }

    private byte[] SessionKey(CipherContext context)
    {
        var cacheKey = Convert.ToHexStringLower(context.ControllerCertHash.Span) + "/" + Convert.ToHexStringLower(context.DeviceCertHash.Span);
        if (_keys.TryGetValue(cacheKey, out var cached)) return cached;
        var certs = controllerCerts() ?? throw new InvalidOperationException("the controller's certs (/certs) are not known yet");
        var entry = certs.Certs.FirstOrDefault(c => c.Type == ZCertType.CertTypeControllerEcdhExchange
                                                    && (c.CertHash.Span.SequenceEqual(context.ControllerCertHash.Span)
                                                        || HashMatches(c.Cert.Span, context.ControllerCertHash.Span, context.HashScheme)))
                    ?? throw new InvalidOperationException($"controller ECDH cert {Convert.ToHexStringLower(context.ControllerCertHash.Span)} is not among the controller's /certs; the device fetches /certs again when the controller's certs change");
        using var cert = X509Certificate2.CreateFromPem(System.Text.Encoding.ASCII.GetString(entry.Cert.Span));
        using var pub = cert.GetECDiffieHellmanPublicKey() ?? throw new InvalidOperationException("controller ECDH cert has no EC public key");
        var (x, y) = key.EcdhSharedPointAsync(pub.ExportParameters(false)).GetAwaiter().GetResult();
        var derived = EveObjectCipher.DeriveKey(x, y);
        _keys[cacheKey] = derived;
        return derived;
    }

    private static bool HashMatches(ReadOnlySpan<byte> data, ReadOnlySpan<byte> hash, HashAlgorithm scheme)
    {
        var full = SHA256.HashData(data);
        return scheme switch
        {
            HashAlgorithm.Sha25616Bytes => hash.SequenceEqual(full.AsSpan(0, 16)),
            HashAlgorithm.Sha25632Bytes => hash.SequenceEqual(full),
            _ => false,
        };
    }
}
