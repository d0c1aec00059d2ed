using System.Security.Cryptography;
using Eve.Appliance.Platform.Tpm;

namespace Eve.Appliance.Tests.Platform.Tpm;

[TestFixture]
[Parallelizable(ParallelScope.Self)]
public sealed class TpmClientObjectTests
{
    private SwtpmInstance _swtpm = null!;
    private TpmClient _tpm = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _swtpm = await SwtpmInstance.StartAsync();
        _tpm = _swtpm.Connect();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _tpm.DisposeAsync();
        await _swtpm.DisposeAsync();
    }

    [Test]
    public async Task SignatureMadeInTpm_VerifiesWithItsPublicKey()
    {
        var key = await _tpm.CreatePrimaryAsync(TpmHandle.Owner, TpmTemplates.EccSigningKey());
        try
        {
            var digest = SHA256.HashData("hello"u8);
            var sig = await _tpm.SignAsync(key.Handle, digest);
            using var ecdsa = ECDsa.Create(key.Public.ToECParameters());
            Assert.That(ecdsa.VerifyHash(digest, sig.ToP1363()), Is.True);
            Assert.That(ecdsa.VerifyHash(digest, sig.ToDer(), DSASignatureFormat.Rfc3279DerSequence), Is.True);
            digest[0] ^= 1;
            Assert.That(ecdsa.VerifyHash(digest, sig.ToP1363()), Is.False);
        }
        finally
        {
            await _tpm.FlushContextAsync(key.Handle);
        }
    }
}
