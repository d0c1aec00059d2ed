using Org.Lfedge.Eve.Common;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Agent.ObjectCrypto;

/// <summary>
/// Opens the secrets a controller encrypted for this device (EVE's object-level encryption:
/// CipherContext + CipherBlock in EdgeDevConfig). Every call names the config the object came from,
/// because a block refers to a cipher context by id within that config. Nothing here throws for a
/// bad block: the result carries a readable error for the object's info, and, as EVE does, the
/// clear-text fields (if the controller also sent them) are used as the fallback.
/// The calls are synchronous for the pure config-to-intent code that uses them; with a TPM the
/// first call per cipher context waits for one TPM2_ECDH_ZGen, later ones reuse the derived key.
/// </summary>
internal interface IObjectDecryptor
{
    /// <summary>Decrypts one CipherBlock into EVE's EncryptionBlock.</summary>
    CipherOutcome Decrypt(EdgeDevConfig config, CipherBlock block, string objectName);

    /// <summary>A datastore's apiKey/password: from cipherData when present, else the clear fields.</summary>
    DatastoreSecret DecryptDatastoreCredentials(EdgeDevConfig config, DatastoreConfig datastore);

    /// <summary>An app's cloud-init user data (base64, as AppInstanceConfig.userData carries it):
    /// EncryptionBlock.protectedUserData when cipherData is present, else userData.</summary>
    UserDataSecret DecryptUserData(EdgeDevConfig config, AppInstanceConfig app);

    /// <summary>A Wi-Fi network's user name and password: from cipherData when present, else the clear fields.</summary>
    WifiSecret DecryptWifiCredentials(EdgeDevConfig config, WifiConfig wifi);
}
