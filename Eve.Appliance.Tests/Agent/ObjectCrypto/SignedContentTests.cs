using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Eve.Appliance.Agent.Apps;
using Eve.Appliance.Agent.Content;
using Eve.Appliance.Agent.Identity;
using Eve.Appliance.Tests.Agent.Content;
using Eve.Appliance.Tests.Agent.Identity;
using Eve.Appliance.Tests.Support;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Tests.Agent.ObjectCrypto;

/// <summary>The hooks in the apps/content code: a signed image fetched over HTTPS is accepted, a
/// tampered one refused before use; encrypted datastore credentials reach the content intent in
/// clear, and a block that cannot be opened becomes the app's problem (its info), not an exception.</summary>
[TestFixture]
public sealed class SignedContentTests
{
    private static readonly byte[] Image = Encoding.ASCII.GetBytes("disk image bytes for the signature test, not a real qcow2");

    [TestCase(false)]
    [TestCase(true)]
    public async Task FetchedImage_IsUsedOnlyWhenItsSignatureVerifies(bool tamper)
    {
        using var dir = new TempDir("signed-content");
        using var tls = new TestPki();
        using var chain = new SigningChain();
        await using var server = await BlobTestServer.StartAsync(tls.Server);
        var sha = Convert.ToHexStringLower(SHA256.HashData(Image));
        server.Objects["images/disk.qcow2"] = Image;
        server.Objects["images/certs/signer.pem"] = Encoding.ASCII.GetBytes(chain.Signer.ExportCertificatePem());
        server.Objects["pki/inter.pem"] = Encoding.ASCII.GetBytes(chain.Intermediate.ExportCertificatePem());
        var signature = chain.SignDigest(Convert.FromHexString(sha));
        if (tamper) signature = chain.SignDigest(SHA256.HashData("some other image"u8.ToArray()));

        using var fetcher = new ContentFetcher(new BlobStore(dir.Sub("blobs")), new DownloaderOptions { MaxAttempts = 1 },
            new X509Certificate2Collection { tls.Ca, chain.Root }, TimeProvider.System, NullLoggerFactory.Instance);
        var intent = new ContentIntent(Guid.NewGuid(), "disk", DsType.DsHttps, server.UriOf("images/disk.qcow2"), sha, Format.Qcow2, Image.Length)
        {
            Signature = new SignatureInfo
            {
                Signercerturl = "certs/signer.pem",
                Intercertsurl = server.UriOf("pki/inter.pem").ToString(),
                Signature = ByteString.CopyFrom(signature),
            },
        };

        if (tamper)
        {
            var e = Assert.ThrowsAsync<ContentException>(() => fetcher.FetchAsync(intent, null, CancellationToken.None));
            Assert.That(e!.Message, Does.Contain("image 'disk'").And.Contain("signature does not verify"));
        }
        else
        {
            var blob = await fetcher.FetchAsync(intent, null, CancellationToken.None);
            Assert.That(blob.Sha256, Is.EqualTo(sha));
        }
    }

    [Test]
    public void EncryptedDatastoreCredentials_ReachTheContentIntent_AndABrokenBlockIsTheAppsProblem()
    {
        using var dir = new TempDir("sealed-ds");
        using var sealing = new SealedConfigs(dir.Sub("controller"));
        using var key = SoftwareDeviceKey.LoadOrCreate(dir.Sub("device"), "SN-ds", new FixedTimeProvider(DateTimeOffset.UtcNow));
        var config = sealing.SealFor(key);
        var tree = new ContentTree { Uuid = Guid.NewGuid().ToString(), DsId = SealedConfigs.DatastoreId, URL = "disk.qcow2", Sha256 = new string('a', 64), DisplayName = "disk" };
        var datastores = config.Datastores.ToDictionary(d => d.Id);
        var decryptor = sealing.DecryptorFor(key);

        var issues = new List<string>();
        var intent = DesiredApps.ResolveContent(tree, datastores, issues, decryptor, config);
        Assert.That(issues, Is.Empty);
        Assert.That((intent!.Credentials!.UserName, intent.Credentials.Password), Is.EqualTo((SealedConfigs.ApiKey, SealedConfigs.Password)));

        config.Datastores[0].CipherData.ClearTextSha256 = ByteString.CopyFrom(new byte[32]);
        issues.Clear();
        Assert.That(DesiredApps.ResolveContent(tree, datastores, issues, decryptor, config), Is.Null);
        Assert.That(issues.Single(), Does.Contain("credentials").And.Contain("clearTextSha256"));
    }
}
