using Eve.Appliance.Agent.Identity;
using Eve.Appliance.Agent.ObjectCrypto;
using Eve.Appliance.Tests.Agent.Identity;
using Eve.Appliance.Tests.Agent.ObjectCrypto;
using Eve.Appliance.Tests.Support;

namespace Eve.Appliance.Tests.Controller.Crypto;

[TestFixture]
public sealed class SecretSealerTests
{
    [Test]
    public void ClearValueNextToAnOlderBlock_IsSealedAgain_SoTheDeviceOpensTheNewValue()
    {
        using var dir = new TempDir("sealer-reseal");
        using var sealing = new SealedConfigs(dir.Sub("controller"));
        using var key = SoftwareDeviceKey.LoadOrCreate(dir.Sub("device"), "SN-reseal", new FixedTimeProvider(DateTimeOffset.UtcNow));
        var pem = System.Text.Encoding.ASCII.GetString(EdgeNodeCerts.EcdhPem(key));
        // What an operator does: fetch the config as the device got it (sealed), change the user data, put it back.
        var fetched = sealing.SealFor(key);
        var newUserData = Convert.ToBase64String("#cloud-config\nmarker: second\n"u8.ToArray());
        fetched.Apps[0].UserData = newUserData;
        fetched.Datastores[0].Password = "rotated";

        var resealed = sealing.Sealer.Seal(fetched, pem);

        Assert.That(resealed.Apps[0].UserData, Is.Empty, "no clear text travels");
        var decryptor = sealing.DecryptorFor(key);
        Assert.That(decryptor.DecryptUserData(resealed, resealed.Apps[0]), Is.EqualTo(new UserDataSecret(newUserData, null)));
        Assert.That(decryptor.DecryptDatastoreCredentials(resealed, resealed.Datastores[0]).Password, Is.EqualTo("rotated"));
        Assert.That(resealed.CipherContexts, Has.Count.EqualTo(1), "one context per device");
    }
}
