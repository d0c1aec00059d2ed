using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Eve.Appliance.Api.Cipher;
using Eve.Appliance.Controller.Pki;
using Google.Protobuf;
using Org.Lfedge.Eve.Common;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Controller.Crypto;

/// <summary>
/// The controller side of EVE's object-level encryption. Operators set secrets in clear (app
/// userData, datastore apiKey/password, Wi-Fi credentials); before a device's config is signed and
/// hashed, each secret is moved into a CipherBlock encrypted for that device: ECDH between the
/// controller's ECDH key (the CONTROLLER_ECDH_EXCHANGE cert in /certs) and the device's reported
/// ECDH cert, key = SHA-256(X‖Y), AES-256-CFB, clearTextSha256 — and the clear field is emptied.
/// A device that has not reported an ECDH cert yet gets the clear values (inside the signed
/// envelope, over TLS), as before; the config is rebuilt when its cert arrives.
/// </summary>
internal sealed class SecretSealer : IDisposable
{
    private readonly ECDiffieHellman _controllerKey;
    private readonly byte[] _controllerCertHash;

    public SecretSealer(ControllerPki pki)
    {
        _controllerKey = ECDiffieHellman.Create();
        _controllerKey.ImportFromPem(File.ReadAllText(pki.Files.EcdhKey));
        // The same 16-byte hash /certs gives the ECDH entry, so the device finds the cert by it.
        _controllerCertHash = SHA256.HashData(pki.EcdhPemText)[..16];
    }

    /// <summary>A copy of <paramref name="config"/> with its secrets encrypted for the device's
    /// ECDH cert (PEM bytes exactly as the device reported them); the config itself when there is
    /// nothing to seal or no cert.</summary>
    public EdgeDevConfig Seal(EdgeDevConfig config, string? deviceEcdhPem)
    {
        if (deviceEcdhPem == null || !HasSecrets(config)) return config;
        var (key, context) = KeyFor(deviceEcdhPem);
        var sealedConfig = config.Clone();
        // A clear value is always the operator's latest (the controller never emits one next to its
        // block), so it is sealed again even where an older block is still there: a get-modify-put
        // of the config the device got must not leave the old secret in force.
        foreach (var app in sealedConfig.Apps.Where(a => a.UserData != ""))
        {
            app.CipherData = Block(key, context.ContextId, $"app/{app.Uuidandversion?.Uuid}", new EncryptionBlock { ProtectedUserData = app.UserData });
            app.UserData = "";
        }
        foreach (var ds in sealedConfig.Datastores.Where(d => d.ApiKey != "" || d.Password != ""))
        {
            ds.CipherData = Block(key, context.ContextId, $"datastore/{ds.Id}", new EncryptionBlock { DsAPIKey = ds.ApiKey, DsPassword = ds.Password });
            ds.ApiKey = "";
            ds.Password = "";
        }
        foreach (var wifi in Wifis(sealedConfig).Where(w => w.Identity != "" || w.Password != ""))
        {
            wifi.CipherData = Block(key, context.ContextId, $"wifi/{wifi.WifiSSID}", new EncryptionBlock { WifiUserName = wifi.Identity, WifiPassword = wifi.Password });
            wifi.Identity = "";
            wifi.Password = "";
        }
        if (sealedConfig.CipherContexts.All(c => c.ContextId != context.ContextId)) sealedConfig.CipherContexts.Add(context);
        return sealedConfig;
    }

    /// <summary>One secret sealed for a device: the cipher context to add to its config and the
    /// block that names it. For secrets with no clear-text field in EdgeDevConfig (cellular,
    /// cluster token, SCEP challenge password, patch envelope artifacts), which a controller
    /// seals from its own store.</summary>
    public (CipherContext Context, CipherBlock Block) SealBlock(string deviceEcdhPem, string label, EncryptionBlock secret)
    {
        var (key, context) = KeyFor(deviceEcdhPem);
        return (context, Block(key, context.ContextId, label, secret));
    }

    /// <summary>The AES key and cipher context for a device's ECDH cert (PEM exactly as reported).</summary>
    private (byte[] Key, CipherContext Context) KeyFor(string deviceEcdhPem)
    {
        var devicePem = Encoding.ASCII.GetBytes(deviceEcdhPem);
        using var deviceCert = X509Certificate2.CreateFromPem(deviceEcdhPem);
        using var devicePub = deviceCert.GetECDiffieHellmanPublicKey()
                              ?? throw new InvalidOperationException("device ECDH cert has no EC public key");
        var (x, y) = P256SharedPoint.Derive(_controllerKey, devicePub.ExportParameters(false));
        var context = new CipherContext
        {
            ContextId = Convert.ToHexStringLower(SHA256.HashData([.. _controllerCertHash, .. devicePem])[..16]),
            HashScheme = Org.Lfedge.Eve.Common.HashAlgorithm.Sha25616Bytes,
            KeyExchangeScheme = KeyExchangeScheme.KeaEcdh,
            EncryptionScheme = EncryptionScheme.SaAes256Cfb,
            ControllerCertHash = ByteString.CopyFrom(_controllerCertHash),
            DeviceCertHash = ByteString.CopyFrom(SHA256.HashData(devicePem).AsSpan(0, 16)),
        };
        return (EveObjectCipher.DeriveKey(x, y), context);
    }

    private static bool HasSecrets(EdgeDevConfig c) =>
        c.Apps.Any(a => a.UserData != "")
        || c.Datastores.Any(d => d.ApiKey != "" || d.Password != "")
        || Wifis(c).Any(w => w.Identity != "" || w.Password != "");

    private static IEnumerable<WifiConfig> Wifis(EdgeDevConfig c) =>
        c.Networks.Where(n => n.Wireless != null).SelectMany(n => n.Wireless.WifiCfg);

    private static CipherBlock Block(byte[] key, string contextId, string label, EncryptionBlock secret)
    {
        var clear = secret.ToByteArray();
        var iv = EveObjectCipher.SyntheticIv(key, label, clear);
        return new CipherBlock
        {
            CipherContextId = contextId,
            InitialValue = ByteString.CopyFrom(iv),
            CipherData = ByteString.CopyFrom(EveObjectCipher.Encrypt(key, iv, clear)),
            ClearTextSha256 = ByteString.CopyFrom(SHA256.HashData(clear)),
        };
    }

    public void Dispose() => _controllerKey.Dispose();
}
