using Eve.Appliance.Agent.Identity;
using Eve.Appliance.Platform.Tpm;
using Eve.Appliance.Tests.Agent.Identity;
using Eve.Appliance.Tests.Support;
using Google.Protobuf;

namespace Eve.Appliance.Tests.Agent.ObjectCrypto;

/// <summary>Secrets sealed by the controller's code and opened by the device's: with a software
/// ECDH key, and with the ECDH key inside a (software) TPM via TPM2_ECDH_ZGen. Broken blocks give
/// a readable error per object and fall back to clear fields, never an exception.</summary>
[TestFixture]
public sealed class ObjectDecryptorTests
{
    private static readonly FixedTimeProvider Time = new(DateTimeOffset.UtcNow);

    [Test]
    public void SoftwareKey_OpensUserDataDatastoreAndWifiSecrets_AndTheSealedConfigHoldsNoClearText()
    {
        using var dir = new TempDir("objcrypto-sw");
        using var sealing = new SealedConfigs(dir.Sub("controller"));
        using var key = SoftwareDeviceKey.LoadOrCreate(dir.Sub("device"), "SN-sw", Time);
        var config = sealing.SealFor(key);

        AssertNoClearSecrets(config);
        AssertOpens(sealing.DecryptorFor(key), config);
    }

    [Test]
    public async Task TpmKey_OpensSecretsWithEcdhZGenInTheTpm()
    {
        using var dir = new TempDir("objcrypto-tpm");
        await using var swtpm = await SwtpmProcess.StartAsync(dir.Sub("swtpm"));
        await using var tpm = swtpm.Connect();
        var key = await TpmDeviceKey.LoadOrCreateAsync(tpm, dir.Sub("device"), "SN-tpm", Time);
        using var sealing = new SealedConfigs(dir.Sub("controller"));
        var config = sealing.SealFor(key);

        AssertNoClearSecrets(config);
        AssertOpens(sealing.DecryptorFor(key), config);
        Assert.That(Directory.EnumerateFiles(dir.Sub("device")).Where(f => File.ReadAllText(f).Contains("PRIVATE KEY")), Is.Empty,
            "the ECDH key that opened the secrets is not a file");
    }

    [Test]
    public void TamperedCipherData_IsReportedWithAReadableError_AndFallsBackToClearFields()
    {
        using var dir = new TempDir("objcrypto-tamper");
        using var sealing = new SealedConfigs(dir.Sub("controller"));
        using var key = SoftwareDeviceKey.LoadOrCreate(dir.Sub("device"), "SN-t", Time);
        var config = sealing.SealFor(key);
        var ds = config.Datastores[0];
        var bytes = ds.CipherData.CipherData.ToByteArray();
        bytes[0] ^= 0x01;
        ds.CipherData.CipherData = ByteString.CopyFrom(bytes);
        ds.ApiKey = "clear-fallback";

        var secret = sealing.DecryptorFor(key).DecryptDatastoreCredentials(config, ds);

        Assert.That(secret.Error, Does.Contain($"datastore {SealedConfigs.DatastoreId} credentials").And.Contain("clearTextSha256"));
        Assert.That(secret.ApiKey, Is.EqualTo("clear-fallback"), "EVE uses the clear fields when the block cannot be opened");
        Assert.That(secret.Password, Is.Empty);
    }

    [Test]
    public void SecretsSealedForAnotherDevice_AreRefusedByNamingTheCertMismatch()
    {
        using var dir = new TempDir("objcrypto-other");
        using var sealing = new SealedConfigs(dir.Sub("controller"));
        using var other = SoftwareDeviceKey.LoadOrCreate(dir.Sub("other"), "SN-other", Time);
        using var key = SoftwareDeviceKey.LoadOrCreate(dir.Sub("device"), "SN-me", Time);
        var config = sealing.SealFor(other);

        var user = sealing.DecryptorFor(key).DecryptUserData(config, config.Apps[0]);

        Assert.That(user.Error, Does.Contain("app 'web' user data").And.Contain("not this device's ECDH cert"));
        Assert.That(user.UserData, Is.Empty);
    }

    [Test]
    public void MissingCipherContext_IsReported()
    {
        using var dir = new TempDir("objcrypto-ctx");
        using var sealing = new SealedConfigs(dir.Sub("controller"));
        using var key = SoftwareDeviceKey.LoadOrCreate(dir.Sub("device"), "SN-c", Time);
        var config = sealing.SealFor(key);
        config.CipherContexts.Clear();

        var wifi = sealing.DecryptorFor(key).DecryptWifiCredentials(config, config.Networks[0].Wireless.WifiCfg[0]);

        Assert.That(wifi.Error, Does.Contain("Wi-Fi 'plant' credentials").And.Contain("is not in the config's cipherContexts"));
    }

    [Test]
    public void ClearSecrets_PassThroughUnchanged()
    {
        using var dir = new TempDir("objcrypto-clear");
        using var sealing = new SealedConfigs(dir.Sub("controller"));
        using var key = SoftwareDeviceKey.LoadOrCreate(dir.Sub("device"), "SN-p", Time);
        var config = SealedConfigs.Clear();
        var decryptor = sealing.DecryptorFor(key);
        Assert.That(decryptor.DecryptUserData(config, config.Apps[0]), Is.EqualTo(new Eve.Appliance.Agent.ObjectCrypto.UserDataSecret(SealedConfigs.UserData, null)));
        Assert.That(decryptor.DecryptDatastoreCredentials(config, config.Datastores[0]).ApiKey, Is.EqualTo(SealedConfigs.ApiKey));
    }

    private static void AssertNoClearSecrets(Org.Lfedge.Eve.Config.EdgeDevConfig config)
    {
        var text = config.ToString();
        Assert.That(text, Does.Not.Contain(SealedConfigs.Password).And.Not.Contain(SealedConfigs.UserData).And.Not.Contain("wifi-pass"));
        Assert.That(config.CipherContexts, Has.Count.EqualTo(1));
        Assert.That(config.Apps[0].CipherData.CipherContextId, Is.EqualTo(config.CipherContexts[0].ContextId));
    }

    private static void AssertOpens(Eve.Appliance.Agent.ObjectCrypto.IObjectDecryptor decryptor, Org.Lfedge.Eve.Config.EdgeDevConfig config)
    {
        var user = decryptor.DecryptUserData(config, config.Apps[0]);
        Assert.That(user.Error, Is.Null);
        Assert.That(user.UserData, Is.EqualTo(SealedConfigs.UserData));
        var ds = decryptor.DecryptDatastoreCredentials(config, config.Datastores[0]);
        Assert.That(ds.Error, Is.Null);
        Assert.That((ds.ApiKey, ds.Password), Is.EqualTo((SealedConfigs.ApiKey, SealedConfigs.Password)));
        var wifi = decryptor.DecryptWifiCredentials(config, config.Networks[0].Wireless.WifiCfg[0]);
        Assert.That((wifi.Error, wifi.UserName, wifi.Password), Is.EqualTo(((string?)null, "wifi-user", "wifi-pass")));
    }
}
