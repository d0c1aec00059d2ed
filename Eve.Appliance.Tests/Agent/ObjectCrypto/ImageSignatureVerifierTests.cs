using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Eve.Appliance.Agent.ObjectCrypto;
using Google.Protobuf;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Tests.Agent.ObjectCrypto;

/// <summary>Image signatures as EVE's verifier checks them: signer cert chained through the
/// intermediates to the controller's root, signature over the image's sha256. Certificates are
/// fetched by URL (relative to the image URL) through the function the content fetcher passes.</summary>
[TestFixture]
public sealed class ImageSignatureVerifierTests
{
    private static readonly Uri ImageUri = new("https://datastore.example/images/disk.qcow2");
    private static readonly byte[] Image = Encoding.ASCII.GetBytes("a tiny disk image, pretend it is qcow2");

    [TestCase(false)]
    [TestCase(true)]
    public async Task ProperlySignedImage_IsAccepted(bool rsa)
    {
        using var chain = new SigningChain(rsa);
        var sha = Sha(Image);
        var error = await Check(chain, sha, Siginfo(chain.SignDigest(Convert.FromHexString(sha))), chain.Root);
        Assert.That(error, Is.Null);
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task TamperedImage_IsRefused(bool rsa)
    {
        using var chain = new SigningChain(rsa);
        var signature = chain.SignDigest(SHA256.HashData(Image));
        var tampered = Image.ToArray();
        tampered[^1] ^= 1;
        var error = await Check(chain, Sha(tampered), Siginfo(signature), chain.Root);
        Assert.That(error, Does.Contain("image 'disk'").And.Contain("signature does not verify").And.Contain("refused"));
    }

    [Test]
    public async Task SignerFromAnotherRoot_IsRefused()
    {
        using var chain = new SigningChain(name: "signer");
        using var controller = new SigningChain(name: "controller");
        var sha = Sha(Image);
        var error = await Check(chain, sha, Siginfo(chain.SignDigest(Convert.FromHexString(sha))), controller.Root);
        Assert.That(error, Does.Contain("does not chain to the controller's root certificate"));
    }

    [Test]
    public async Task SignerCertWithoutSignature_IsRefused()
    {
        using var chain = new SigningChain();
        var error = await Check(chain, Sha(Image), Siginfo([]), chain.Root);
        Assert.That(error, Does.Contain("carries no signature"));
    }

    [Test]
    public async Task NoSiginfo_IsNotChecked_AsInEve()
    {
        using var chain = new SigningChain();
        Assert.That(await Check(chain, Sha(Image), null, chain.Root), Is.Null);
        Assert.That(await Check(chain, Sha(Image), new SignatureInfo(), chain.Root), Is.Null);
    }

    [Test]
    public async Task UnreachableSignerCert_IsRefusedWithTheReason()
    {
        using var chain = new SigningChain();
        var sha = Sha(Image);
        var error = await ImageSignatureVerifier.CheckAsync("disk", sha, Siginfo(chain.SignDigest(Convert.FromHexString(sha))), ImageUri,
            (u, _) => Task.FromException<byte[]>(new HttpRequestException($"404 for {u}")), new X509Certificate2Collection(chain.Root), CancellationToken.None);
        Assert.That(error, Does.Contain("cannot get the signing certificates").And.Contain("certs/signer.pem"));
    }

    private static Task<string?> Check(SigningChain chain, string sha, SignatureInfo? siginfo, X509Certificate2 root)
    {
        var files = new Dictionary<Uri, byte[]>
        {
            [new Uri(ImageUri, "certs/signer.pem")] = Encoding.ASCII.GetBytes(chain.Signer.ExportCertificatePem()),
            [new Uri("https://pki.example/inter.pem")] = Encoding.ASCII.GetBytes(chain.Intermediate.ExportCertificatePem()),
        };
        return ImageSignatureVerifier.CheckAsync("disk", sha, siginfo, ImageUri,
            (u, _) => files.TryGetValue(u, out var b) ? Task.FromResult(b) : throw new HttpRequestException($"no {u}"),
            new X509Certificate2Collection(root), CancellationToken.None);
    }

    private static SignatureInfo Siginfo(byte[] signature) => new()
    {
        Signercerturl = "certs/signer.pem",
        Intercertsurl = "https://pki.example/inter.pem",
        Signature = ByteString.CopyFrom(signature),
    };

    private static string Sha(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));
}
